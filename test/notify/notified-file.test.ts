import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadNotified, notifiedFileBeside, saveNotified } from '../../src/notify/notified-file';

describe('notified.json: what the household was last told', () => {
  let dir: string;
  let file: string;
  const warnings: unknown[] = [];
  const log = { warn: (record: unknown) => warnings.push(record) };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notified-'));
    file = notifiedFileBeside(path.join(dir, 'state'));
    warnings.length = 0;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads back what was saved, beside the state file', async () => {
    const notified = {
      episode: Date.UTC(2026, 0, 14, 11, 0, 0),
      level: 'overdue' as const,
      at: Date.UTC(2026, 0, 15, 13, 0, 0),
    };
    await saveNotified(file, notified);
    expect(file).toBe(path.join(dir, 'notified.json'));
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
      episode: '2026-01-14T11:00:00+00:00',
      level: 'overdue',
      at: '2026-01-15T13:00:00+00:00',
    });
    expect(loadNotified(file, log)).toEqual(notified);
    await saveNotified(file, null);
    expect(loadNotified(file, log)).toBeNull();
    expect(warnings).toEqual([]);
  });

  it('is nothing, silently, when missing; nothing, with a warning, when it is not ours', () => {
    expect(loadNotified(file, log)).toBeNull();
    expect(warnings).toEqual([]);
    for (const text of ['not json', '{"episode": 1}', '[[[[[[[[[[]]]]]]]]]]', 'x'.repeat(5000)]) {
      fs.writeFileSync(file, text);
      expect(loadNotified(file, log)).toBeNull();
    }
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toMatchObject({ event: 'notify.file', file });
  });
});
