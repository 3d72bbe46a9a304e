import * as path from 'node:path';
import { Lan } from '../support/netns';
import { NodeProcess, stateFileAged, stopAll, tempDir } from '../support/node-process';
import { receiverIn, type LanReceiver } from '../support/notify-receiver';
import { LAN, describeNeeding } from '../support/requirements';
import { until } from '../support/until';
import { MINUTE, SECOND } from '../support/time';

/*
 * Issue #22, "once per household": three nodes on a LAN of network namespaces, every one
 * with the same targets (ntfy and a webhook on a fourth host), levels in minutes. The
 * sender is agreed by mDNS; it dies (kill -9, no goodbye) before anything is due, and
 * another node sends what falls due, once; a press on a third node is told of once.
 */

const NAMES = ['node0', 'node1', 'node2'];
const RECEIVER_PORT = 8080;
/**
 * "Due now" this long after the start: the household agrees within seconds, and the others
 * find the killed sender silent (4 requests unanswered, while the rounds are quick) about 30 s
 * after; the rest is room for a busy machine.
 */
const NOW_AFTER = 65 * SECOND;

describeNeeding(LAN, 'notifications once per household, on a LAN', () => {
  let lan: Lan;
  let temp: ReturnType<typeof tempDir>;
  let receiver: LanReceiver | undefined;
  const nodes: NodeProcess[] = [];

  beforeAll(async () => {
    temp = tempDir();
    lan = new Lan(NAMES.length + 1, '10.81.0');
    receiver = await receiverIn(lan.hosts[NAMES.length], RECEIVER_PORT);
    const { at } = receiver;
    for (const [i, name] of NAMES.entries()) {
      // "Due now" (at 3 minutes) NOW_AFTER after the start: time for the household to agree, and for its sender to die.
      const stateFile = stateFileAged(path.join(temp.dir, name, 'state'), 3 * MINUTE - NOW_AFTER);
      nodes[i] = new NodeProcess(
        [
          ...['--name', name, '--state-file', stateFile, '--quiet-hours', 'off', '--levels', '1m,2m,3m,5m'],
          ...['--notify-levels', 'now', '--notify-target', `ntfy://${at}/cats`, '--notify-target', `json://${at}/hook`],
        ],
        { netns: lan.hosts[i].ns },
      );
    }
  }, 30_000);

  afterAll(async () => {
    await stopAll(nodes);
    receiver?.stop();
    lan.remove();
    temp.remove();
  });

  const received = () => receiver?.received ?? [];

  /** Each node's last word on who sends: true where it is the sender. */
  const senders = () =>
    nodes.map((node) => node.records.filter((r) => r.event === 'notify.sender').at(-1)?.sender as boolean | undefined);

  it('agrees on one sender; when it dies, another sends what falls due, once; a press is told of once', async () => {
    // Every node knows the two others carry targets, and exactly one of them is the sender.
    await until(
      () =>
        nodes.every((node) => node.records.some((r) => r.event === 'level')) && senders().filter(Boolean).length === 1,
      'one sender agreed',
      40_000,
    );
    await until(() => senders().every((said) => said !== undefined), 'every node to have a word on it', 40_000);
    const first = senders().indexOf(true);
    expect(received()).toEqual([]);

    nodes[first].kill('SIGKILL');
    await nodes[first].exited;
    const rest = nodes.filter((_, i) => i !== first);
    await until(
      () =>
        rest.filter((node) => node.records.filter((r) => r.event === 'notify.sender').at(-1)?.sender === true)
          .length === 1,
      'another sender, once the first is silent',
      90_000,
    );
    const second = nodes.findIndex((_, i) => i !== first && senders()[i] === true);
    // Found silent before anything fell due: what is due now is the second sender's alone to send.
    expect(received()).toEqual([]);

    // Due now: one notification per target, from the second sender only.
    await until(() => received().length >= 2, '"due now" at both targets', 120_000);
    const other = nodes.findIndex((_, i) => i !== first && i !== second);
    nodes[other].press();
    await until(() => received().length >= 4, 'the "cleaned" messages', 30_000);
    await until(
      () => nodes[second].records.filter((r) => r.event === 'notify.sent').length >= 4,
      'the sender to log all four',
    );
    const ntfy = received().filter((request) => request.path === '/');
    const hook = received().filter((request) => request.path === '/hook');
    expect(ntfy.map((request) => request.body.title)).toEqual(['Litter box due now', 'Litter box cleaned ✓']);
    expect(ntfy[1].body.sequence_id).toBe(ntfy[0].body.sequence_id);
    expect(hook.map((request) => request.body.event)).toEqual(['level', 'cleaned']);
    expect(hook.every((request) => request.body.node === NAMES[second])).toBe(true);
    expect(hook[1].body.by).toEqual({ source: null, node: NAMES[other] });
    expect(nodes[other].records.filter((r) => r.event === 'notify.sent')).toEqual([]);
  }, 300_000);
});
