import pino from 'pino';
import { LEVEL_COLOURS } from '../../common/levels';
import type { ObserverEvent } from '../../machines/node/node-events';
import type { BoxView } from '../../machines/node/node-view';
import { BoxBridge } from '../../src/mqtt/box-bridge';
import { viewOf } from '../support/web-harness';

const T = Date.UTC(2026, 11, 1, 8, 30);
const PREFIX = 'cat-litter-reminder/household';
const options = {
  broker: 'mqtt://127.0.0.1:1883',
  username: null,
  password: null,
  passwordFile: null,
  topic: 'cat-litter-reminder',
  haDiscovery: 'homeassistant',
};

const box = (name: string, parts: Partial<BoxView> = {}): BoxView => ({
  box: name,
  lastCleaned: T,
  by: null,
  level: 'fresh',
  colour: LEVEL_COLOURS.fresh,
  undo: null,
  nodes: ['hall'],
  own: true,
  ...parts,
});

function bridge() {
  const offered: [string, string][] = [];
  const reasserted: string[] = [];
  const refused: string[] = [];
  const sent: ObserverEvent[] = [];
  const records: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'debug' },
    { write: (line: string) => records.push(JSON.parse(line) as Record<string, unknown>) },
  );
  const boxes = new BoxBridge({
    options,
    log,
    offer: (topic, payload) => offered.push([topic, payload]),
    reassert: (topic) => reasserted.push(topic),
    refuse: (problem) => refused.push(problem),
    send: (event) => sent.push(event),
  });
  return { boxes, offered, reasserted, refused, sent, records };
}

describe('the boxes on the broker', () => {
  it('subscribes to its own boxes’ exact topics only: the default box’s time is the node bridge’s', () => {
    const { boxes } = bridge();
    expect(boxes.viewed(viewOf({ boxes: [box('litter box'), box('upstairs'), box('attic', { own: false })] }))).toBe(
      true,
    );
    expect(Object.keys(boxes.subscriptions()).sort()).toEqual(
      [
        `$share/cat-litter-reminder/${PREFIX}/clean`,
        `$share/cat-litter-reminder/${PREFIX}/litter_box/undo`,
        `$share/cat-litter-reminder/${PREFIX}/upstairs/clean`,
        `$share/cat-litter-reminder/${PREFIX}/upstairs/undo`,
        `${PREFIX}/upstairs/last_cleaned`,
      ].sort(),
    );
    // The same boxes again: nothing new to subscribe to or announce.
    expect(boxes.viewed(viewOf({ boxes: [box('litter box'), box('upstairs', { level: 'soon' })] }))).toBe(false);
    expect(boxes.ownClean()).toBe(`${PREFIX}/clean`);
    expect(boxes.message(`${PREFIX}/attic/clean`, Buffer.from('PRESS'))).toBe(false);
  });

  it('sends a press as a cleaning of the box, and refuses what is not a press, bounded', () => {
    const { boxes, sent, refused } = bridge();
    boxes.viewed(viewOf({ boxes: [box('upstairs')] }));
    boxes.message(`${PREFIX}/upstairs/clean`, Buffer.from('PRESS'));
    expect(sent).toEqual([{ type: 'cleaning.reported', source: 'mqtt', box: 'upstairs' }]);
    boxes.message(`${PREFIX}/upstairs/clean`, Buffer.from('press'));
    boxes.message(`${PREFIX}/upstairs/undo`, Buffer.alloc(17 * 1024, 'P'));
    expect(refused).toEqual(['"press" is not PRESS', '17408 bytes, more than the 16384 taken']);
    expect(sent).toHaveLength(1);
  });

  it('asks the node to take back the box’s undoable cleaning, and says when there is none or the node refuses', () => {
    const { boxes, sent, records } = bridge();
    boxes.viewed(viewOf({ boxes: [box('upstairs', { undo: { at: T, until: T + 600_000 } }), box('basement')] }));
    boxes.message(`${PREFIX}/upstairs/undo`, Buffer.from('PRESS'));
    expect(sent).toEqual([{ type: 'cleaning.undo', box: 'upstairs', at: T, ticket: expect.any(String) }]);
    const ticket = (sent[0] as { ticket: string }).ticket;
    boxes.answered({ type: 'undo.answered', ticket, ok: false, reason: 'outside-window', problem: 'too late' });
    boxes.message(`${PREFIX}/basement/undo`, Buffer.from('PRESS'));
    expect(sent).toHaveLength(1);
    expect(records.filter((r) => r.event === 'mqtt.undo-refused')).toEqual([
      expect.objectContaining({ box: 'upstairs', reason: 'outside-window', problem: 'too late' }),
      expect.objectContaining({ box: 'basement', reason: 'nothing' }),
    ]);
    // An answer to a ticket it never gave is none of its business.
    boxes.answered({ type: 'undo.answered', ticket: 'elsewhere', ok: false, reason: 'unknown', problem: 'x' });
    expect(records.filter((r) => r.event === 'mqtt.undo-refused')).toHaveLength(2);
  });

  it('keeps at most 16 undos waiting for the node', () => {
    const { boxes, sent, records } = bridge();
    boxes.viewed(viewOf({ boxes: [box('upstairs', { undo: { at: T, until: T + 600_000 } })] }));
    for (let i = 0; i < 20; i += 1) boxes.message(`${PREFIX}/upstairs/undo`, Buffer.from('PRESS'));
    expect(sent).toHaveLength(16);
    expect(records.filter((r) => r.reason === 'busy')).toHaveLength(4);
  });

  it('publishes each own box’s state and time, clears a time withdrawn to none, and answers an older time with its own', () => {
    const { boxes, offered, reasserted, refused } = bridge();
    boxes.viewed(viewOf({ boxes: [box('litter box'), box('upstairs', { by: 'Anna' }), box('attic', { own: false })] }));
    boxes.publish();
    expect(offered.map(([topic]) => topic)).toEqual([
      `${PREFIX}/litter_box/state`,
      `${PREFIX}/upstairs/state`,
      `${PREFIX}/upstairs/last_cleaned`,
    ]);
    expect(offered[2][1]).toBe('2026-12-01T08:30:00+00:00');
    expect(JSON.parse(offered[1][1])).toMatchObject({ by: 'Anna', level: 'fresh' });
    offered.length = 0;
    boxes.viewed(viewOf({ boxes: [box('litter box'), box('upstairs', { lastCleaned: null, level: 'unknown' })] }));
    boxes.publish();
    expect(offered.find(([topic]) => topic === `${PREFIX}/upstairs/last_cleaned`)?.[1]).toBe('');

    boxes.viewed(viewOf({ boxes: [box('upstairs')] }));
    const time = `${PREFIX}/upstairs/last_cleaned`;
    boxes.message(time, Buffer.from('2026-12-01T08:00:00+00:00'));
    boxes.message(time, Buffer.from('2026-12-01T08:31:00+00:00'));
    boxes.message(time, Buffer.from('2026-12-01T08:30:00+00:00'));
    expect(reasserted).toEqual([time]);
    boxes.message(time, Buffer.from('soon'));
    expect(refused).toEqual(['"soon" is not an RFC 3339 time; published ours over it']);
    expect(boxes.ownValue(time)).toBe('2026-12-01T08:30:00+00:00');
    expect(boxes.ownValue(`${PREFIX}/upstairs/clean`)).toBeNull();
  });
});
