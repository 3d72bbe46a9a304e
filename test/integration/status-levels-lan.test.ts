import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatRfc3339 } from '../../src/time/timestamp';
import { Lan } from '../support/netns';
import { NodeProcess, runCli, stopAll, tempDir } from '../support/node-process';
import { LAN, describeNeeding } from '../support/requirements';

/*
 * Issue #20, point 5: `status` shows each node by its own levels (its TXT record's `levels=`),
 * as its strip and its page do, and marks the ones that differ from the asking machine's.
 * A node and a laptop on a LAN of network namespaces: nothing leaves this machine.
 */

describeNeeding(LAN, 'status of a node whose levels are not the laptop’s', () => {
  let lan: Lan;
  let temp: ReturnType<typeof tempDir>;
  let node: NodeProcess | undefined;

  beforeAll(async () => {
    temp = tempDir();
    lan = new Lan(2, '10.82.0');
    const stateFile = path.join(temp.dir, 'bedroom', 'state');
    fs.mkdirSync(path.dirname(stateFile), { recursive: true });
    // 150 s ago: due soon by its levels (2 to 3 minutes), fresh by the laptop's (the default 8 h).
    fs.writeFileSync(stateFile, formatRfc3339(Date.now() - 150_000));
    node = new NodeProcess(
      ['--name', 'bedroom', '--state-file', stateFile, '--quiet-hours', 'off', '--levels', '1m,2m,3m,4m'],
      { netns: lan.hosts[0].ns },
    );
    await node.waitFor((r) => r.event === 'mdns.advertised', 'bedroom advertising', 20_000);
  });

  afterAll(async () => {
    await stopAll([node]);
    lan?.remove();
    temp?.remove();
  });

  it('lists it by its own level, marked with its levels, in the table and in --json', async () => {
    const laptop = lan.hosts[1].ns;
    const json = await runCli(['status', '--json', '--levels', '8h,12h,24h,26h'], laptop);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ name: 'bedroom', level: 'soon', levels: '1m,2m,3m,4m' }),
    ]);
    const table = await runCli(['status', '--levels', '8h,12h,24h,26h'], laptop);
    expect(table.status).toBe(0);
    const row = table.stdout.split('\n').find((line) => line.startsWith('bedroom'));
    expect(row).toMatch(/\ssoon\s+its levels: 1m, 2m, 3m, 4m$/);
    // The same levels as the laptop's: nothing to mark.
    const same = await runCli(['status', '--json', '--levels', '1m,2m,3m,4m'], laptop);
    expect(JSON.parse(same.stdout)).toEqual([expect.not.objectContaining({ levels: expect.anything() })]);
  });
});
