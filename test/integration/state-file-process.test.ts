import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encode } from '../../src/cluster/protocol/codec';
import { formatRfc3339 } from '../../src/time/timestamp';
import { freeUdpPort, readIfThere, stateFileAged } from '../support/node-process';
import { nodesPerTest } from '../support/nodes-per-test';
import { itNeeding } from '../support/requirements';
import { until } from '../support/until';
import { HOUR } from '../support/time';

const NOBODY = 65534;

describe('a node and its state file, as a process', () => {
  const { start, temp } = nodesPerTest();

  it('moves a corrupt state file aside, warns, and keeps it when a press writes a new one', async () => {
    const file = path.join(temp.dir, 'state');
    fs.writeFileSync(file, 'yesterday-ish\n');
    const node = start(['--state-file', file, '--quiet-hours', 'off']);
    const warning = await node.waitFor((record) => record.event === 'state.corrupt', 'a warning');
    expect(warning.level).toBe(40);
    expect(String(warning.msg)).toContain(file);
    expect(String(warning.msg)).toContain('yesterday-ish');
    await node.waitForLed('#000014');
    node.press();
    await node.waitForLed('#003c00');
    const aside = fs.readdirSync(temp.dir).filter((name) => name.startsWith('state.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(fs.readFileSync(path.join(temp.dir, aside[0]), 'utf8')).toBe('yesterday-ish\n');
  });

  it('keeps a press in the state file after kill -9', async () => {
    const file = stateFileAged(path.join(temp.dir, 'state'), 13 * HOUR);
    const node = start(['--state-file', file, '--quiet-hours', 'off']);
    await node.waitForLed('#ff3c00');
    const before = Math.floor(Date.now() / 1000) * 1000;
    node.press();
    await node.waitForLed('#003c00');
    node.kill('SIGKILL');
    await node.exited;
    const saved = Date.parse(fs.readFileSync(file, 'utf8'));
    expect(saved).toBeGreaterThanOrEqual(before);
    expect(saved).toBeLessThanOrEqual(Date.now());
  });

  it('writes a press it could not save once the state file can be written again', async () => {
    const file = path.join(temp.dir, 'state');
    const node = start(['--state-file', file, '--quiet-hours', 'off']);
    await node.waitForLed('#000014');
    // A directory where the file belongs: the rename fails, as on a full or broken disk.
    fs.mkdirSync(file);
    node.press();
    const failed = await node.waitFor((record) => record.event === 'state.save-failed', 'the failed save');
    expect(failed.level).toBe(50);
    expect(String(failed.msg)).toMatch(/keeping the new time in memory, and trying again every few seconds$/);
    await node.waitForLed('#003c00');
    fs.rmdirSync(file);
    const saved = await node.waitFor(
      (record) => record.event === 'state.saved' && record.level === 30,
      'the retry',
      10_000,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe(saved.lastCleaned);
    expect(saved.lastCleaned).toBe(failed.lastCleaned);
  });

  it('leaves a state path it cannot read (a directory) as it is, runs with the time unknown, and never writes over it', async () => {
    const file = path.join(temp.dir, 'state');
    fs.mkdirSync(file);
    fs.writeFileSync(path.join(file, 'inside'), 'kept');
    const node = start(['--state-file', file, '--quiet-hours', 'off']);
    const error = await node.waitFor((record) => record.event === 'state.unreadable', 'the error');
    expect(error).toMatchObject({ level: 50, file, code: 'EISDIR' });
    expect(String(error.msg)).toContain(file);
    // The errno in words, and its code once.
    expect(String(error.msg)).toContain('could not be read: a folder, not a file (EISDIR);');
    expect(String(error.msg).match(/EISDIR/g)).toHaveLength(1);
    await node.waitForLed('#000014');
    node.press();
    await node.waitForLed('#003c00');
    const refused = await node.waitFor((record) => record.event === 'state.save-failed', 'the refused save');
    expect(String(refused.msg)).toContain('not written over');
    // The press is also kept in the history, written beside the state path on its own
    // schedule; wait for it so that the folder's listing is the same on every run.
    const history = path.join(temp.dir, 'history.jsonl');
    await until(() => (readIfThere(history) ?? '').includes('"at"'), 'the press in the history');
    expect(fs.readdirSync(temp.dir)).toEqual(['history.jsonl', 'instance-id', 'lock', 'state']);
    expect(fs.readFileSync(path.join(file, 'inside'), 'utf8')).toBe('kept');
  });

  itNeeding(
    ['root', 'setpriv'],
    'leaves a state file it may not read (EACCES) as it is, even where it could rename over it',
    async () => {
      // The directory is the node's (as /var/lib/cat-litter-reminder is the service's); the file is not.
      fs.chmodSync(temp.dir, 0o755);
      const dir = path.join(temp.dir, 'state-dir');
      fs.mkdirSync(dir);
      fs.chownSync(dir, NOBODY, NOBODY);
      const file = path.join(dir, 'state');
      fs.writeFileSync(file, '2026-11-24T08:00:00+00:00');
      fs.chmodSync(file, 0o600);
      const node = start(['--state-file', file, '--quiet-hours', 'off'], { uid: NOBODY });
      const error = await node.waitFor((record) => record.event === 'state.unreadable', 'the error');
      expect(error).toMatchObject({ code: 'EACCES', file });
      node.press();
      await node.waitForLed('#003c00');
      await node.waitFor((record) => record.event === 'state.save-failed', 'the refused save');
      expect(fs.readFileSync(file, 'utf8')).toBe('2026-11-24T08:00:00+00:00');
      expect(fs.statSync(file).uid).toBe(0);
    },
  );

  it('holds one whole time after kill -9 during adoptions, and learns the newest back from the household', async () => {
    const file = stateFileAged(path.join(temp.dir, 'state'), 30 * HOUR);
    const original = fs.readFileSync(file, 'utf8');
    // A folder of its own: one node a folder.
    const peerFile = path.join(temp.dir, 'peer', 'state');
    fs.mkdirSync(path.dirname(peerFile));
    fs.copyFileSync(file, peerFile);
    const [port, peerPort] = [freeUdpPort(), freeUdpPort()];
    const peer = start(['--state-file', peerFile, '--quiet-hours', 'off', '--port', String(peerPort)]);
    const nodeArgs = [
      '--state-file',
      file,
      '--quiet-hours',
      'off',
      '--port',
      String(port),
      '--peer',
      `127.0.0.1:${peerPort}`,
    ];
    const node = start(nodeArgs);
    await node.waitFor((record) => record.event === 'transport.listening', 'the node listening');
    // The household's times, a second later each (so each is adopted and saved), to both nodes.
    const socket = dgram.createSocket('udp4');
    const first = Math.floor(Date.now() / 1000) - 120;
    const sent: string[] = [];
    const sendOne = () => {
      const secs = first + sent.length;
      sent.push(formatRfc3339(secs * 1000));
      for (const to of [port, peerPort]) socket.send(encode({ type: 'UpdateState', secs }), to, '127.0.0.1');
    };
    for (let i = 0; i < 40; i += 1) sendOne();
    await node.waitFor((record) => record.event === 'time.changed' && record.reason === 'adopted', 'an adoption');
    for (let i = 0; i < 40; i += 1) sendOne();
    node.kill('SIGKILL');
    await node.exited;
    const newest = sent[sent.length - 1];
    await peer.waitFor(
      (record) => record.event === 'time.changed' && record.lastCleaned === newest,
      'the peer at the newest',
    );
    socket.close();
    // Old or new, but whole: one of the times it was sent, or the one it had.
    const held = fs.readFileSync(file, 'utf8');
    expect([original, ...sent]).toContain(held);

    const restarted = start(nodeArgs);
    await restarted.waitFor((record) => record.event === 'state.loaded', 'the restarted node loading its file');
    await restarted.waitFor(
      (record) => record.event === 'time.changed' && record.lastCleaned === newest,
      'the newest, learnt back',
    );
    await until(() => readIfThere(file) === newest, 'the newest time back in the state file');
    // A save cut short by the kill leaves nothing behind once the node has started again.
    expect(fs.readdirSync(temp.dir).filter((name) => name.startsWith('.state.'))).toEqual([]);
  });
});
