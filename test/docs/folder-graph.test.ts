import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '..', '..');

describe('docs/development.md', () => {
  it('shows the folder graph the code has (npm run graph draws it again)', async () => {
    const run = promisify(execFile)(process.execPath, ['scripts/folder-graph.mjs', '--check'], { cwd: root });
    await expect(run).resolves.toMatchObject({ stderr: '' });
  });
});
