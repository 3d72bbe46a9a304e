import { clusterHarness, NOON } from '../../support/cluster-harness';
import { HOUR } from '../../support/time';

const OURS = NOON - 13 * HOUR;
const KITCHEN = { address: '10.0.0.2', port: 5300 };
const STRANGER = { address: '10.0.0.66', port: 5300 };
const WHY = 'not a member of the household, nor a --peer';

describe('cluster merge rules with a household key', () => {
  it('refuses a later time the transport marks untrusted, with its reason, and passes nothing on', () => {
    const { cluster, sent, reported } = clusterHarness(OURS, [KITCHEN]);
    sent.length = 0;
    cluster.send({ type: 'state.received', from: STRANGER, lastCleaned: NOON - HOUR, untrusted: WHY });
    expect(cluster.getSnapshot().context.lastCleaned).toBe(OURS);
    expect(reported('cluster.adopted')).toEqual([]);
    expect(reported('cluster.refused')).toEqual([
      { type: 'cluster.refused', from: STRANGER, lastCleaned: NOON - HOUR, reason: WHY },
    ]);
    expect(sent).toEqual([]);
  });

  it('still answers an untrusted sender that is behind with its own time, and adopts from a trusted one', () => {
    const { cluster, sent, reported } = clusterHarness(OURS, [KITCHEN]);
    sent.length = 0;
    cluster.send({ type: 'state.received', from: STRANGER, lastCleaned: OURS - HOUR, untrusted: WHY });
    expect(reported('cluster.refused')).toEqual([]);
    expect(sent).toEqual([{ type: 'transport.update', to: STRANGER, lastCleaned: OURS }]);
    cluster.send({ type: 'state.received', from: KITCHEN, lastCleaned: NOON - HOUR });
    expect(reported('cluster.adopted').map((report) => report.lastCleaned)).toEqual([NOON - HOUR]);
  });
});
