import * as path from 'node:path';
import { runCli, type NodeProcess } from '../support/node-process';
import { nodesPerTest } from '../support/nodes-per-test';
import { startRelay, startTurningAway } from '../support/ws-relay';
import { until } from '../support/until';

describe('a node run with --inspect', () => {
  const nodes = nodesPerTest();
  const start = (args: string[]): NodeProcess =>
    nodes.start(['--state-file', path.join(nodes.temp.dir, 'state'), '--quiet-hours', 'off', ...args]);

  it('streams its actors and a press to the relay, and still stops within 3 s', async () => {
    const relay = await startRelay();
    try {
      const node = start(['--inspect', relay.url]);
      const record = await node.waitFor((r) => r.event === 'inspect', 'the inspect record');
      expect(record.where).toBe(relay.url);

      const actors = () => relay.received.filter((e) => e.type === '@xstate.actor').map((e) => e.name);
      const ids = ['node', 'reminder', 'transport', 'discovery'];
      await until(() => ids.every((id) => actors().includes(id)), `the actors ${ids.join(', ')}`);
      await node.waitForLed('#000014');

      node.press();
      const root = relay.received.find((e) => e.type === '@xstate.actor' && e.name === 'node');
      await until(
        () => relay.received.some((e) => e.sessionId === root?.sessionId && e.event?.type === 'cleaning.reported'),
        'the press, sent to the node',
      );

      const stopping = Date.now();
      node.kill('SIGTERM');
      expect((await node.exited).code).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(3_000);
      await relay.disconnected;
      expect(node.records.filter((r) => r.level >= 40)).toEqual([]);
    } finally {
      await relay.close();
    }
  });

  it('runs on with one warning while the relay turns it away, retry after retry', async () => {
    const relay = await startTurningAway();
    try {
      const node = start(['--inspect', relay.url]);
      await node.waitFor((r) => r.event === 'inspect.unreachable', 'the warning');
      await until(() => relay.attempts() >= 2, 'the first retry', 15_000);
      expect(node.running()).toBe(true);
      node.kill('SIGTERM');
      // Records come in order: a warning for the retry would stand before this one.
      await node.waitFor((r) => r.event === 'stopped', 'the stopped record');
      expect(node.records.filter((r) => r.event === 'inspect.unreachable')).toEqual([
        expect.objectContaining({ level: 40, url: relay.url }),
      ]);
      expect((await node.exited).code).toBe(0);
    } finally {
      await relay.close();
    }
  });

  it('refuses a value that is not a WebSocket URL, before anything starts', async () => {
    const result = await runCli(['run', '--hardware', 'sim', '--inspect', 'http://127.0.0.1:8080']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--inspect');
    expect(result.stderr).toContain('http://127.0.0.1:8080');
    expect(result.stdout).toBe('');
  });
});
