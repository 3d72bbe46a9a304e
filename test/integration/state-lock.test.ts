import * as fs from 'node:fs';
import * as path from 'node:path';
import { stateFileAged } from '../support/node-process';
import { nodesPerTest } from '../support/nodes-per-test';
import { HOUR } from '../support/time';

describe('one node a state folder', () => {
  const { start, temp } = nodesPerTest();

  it('refuses a second node on the folder with one line and status 1, before anything starts', async () => {
    const first = start(['--state-file', stateFileAged(path.join(temp.dir, 'state'), HOUR)]);
    await first.waitFor((r) => r.event === 'led', 'the first node running');
    const lock = fs.readFileSync(path.join(temp.dir, 'lock'), 'utf8');
    expect(lock.split('\n')[0]).toBe(String(first.pid));

    // Another state file in the same folder: the same instance-id and history.jsonl.
    const second = start(['--state-file', path.join(temp.dir, 'other')]);
    const exited = await Promise.race([second.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    expect(exited).toEqual({ code: 1, signal: null });
    expect(second.records).toEqual([]);
    expect(second.stderr.join('')).toBe(
      `cat-litter-reminder: another node (pid ${first.pid}) runs on the state folder ${temp.dir}: one node a folder; ` +
        'give this one a --state-file in a folder of its own\n',
    );
    expect(fs.existsSync(path.join(temp.dir, 'other'))).toBe(false);
    expect(first.running()).toBe(true);

    first.kill('SIGTERM');
    await first.exited;
    expect(fs.existsSync(path.join(temp.dir, 'lock'))).toBe(false);
  });

  it('takes over the lock of a node killed with -9, and of a pid of an earlier boot', async () => {
    const state = stateFileAged(path.join(temp.dir, 'state'), HOUR);
    const killed = start(['--state-file', state]);
    await killed.waitFor((r) => r.event === 'led', 'the first node running');
    killed.kill('SIGKILL');
    await killed.exited;
    expect(fs.existsSync(path.join(temp.dir, 'lock'))).toBe(true);
    const next = start(['--state-file', state]);
    await next.waitFor((r) => r.event === 'led', 'the next node running');
    expect(fs.readFileSync(path.join(temp.dir, 'lock'), 'utf8').split('\n')[0]).toBe(String(next.pid));
    next.kill('SIGKILL');
    await next.exited;

    // A live pid (this test's) of another boot: a power cut left it, and the pid is someone else's now.
    fs.writeFileSync(path.join(temp.dir, 'lock'), `${process.pid}\nan-earlier-boot\n`);
    const after = start(['--state-file', state]);
    await after.waitFor((r) => r.event === 'led', 'a node after the power cut running');
  });
});
