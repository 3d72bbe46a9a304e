import * as os from 'node:os';
import { resolveSettings } from '../settings/resolve-settings';
import { UsageError } from '../settings/command-line';
import { testMessage } from '../notify/message';
import { postTo, PostFailed } from '../notify/post';
import { PROVIDERS } from '../notify/providers';
import { pageUrl } from '../web/page-url';

export const NOTIFY_HELP = `Usage: cat-litter-reminder notify test [--config PATH] [flags of run]

Sends a test message to every notification target of the configuration a node
started so would run with (notify.targets, --notify-target), and prints what
each answered. The token files are read; the tokens are never printed.

Exit status: 0 when every target took it, 1 when one did not, 2 on a bad
configuration or when there is no target.
`;

/** `notify test`: one message to every target, each answer printed. */
export async function notifyCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === 'help') {
    process.stdout.write(NOTIFY_HELP);
    return 0;
  }
  if (sub !== 'test') throw new UsageError(`notify: expected "notify test"${sub ? `, not "${sub}"` : ''} (try --help)`);
  const resolved = resolveSettings(rest, { env: process.env, stdoutIsTty: false });
  if (!resolved) {
    process.stdout.write(NOTIFY_HELP);
    return 0;
  }
  const { options } = resolved;
  const file = options.configFile;
  const { targets } = options.notify;
  if (targets.length === 0) throw new UsageError(`no notification target in ${file ?? 'the flags'} (notify.targets)`);
  const node = options.name ?? os.hostname();
  const page = options.httpPort === null ? null : pageUrl(options.httpPort, options.mdns ? options.name : null);
  const message = testMessage({ node, page, timeZone: options.timeZone, now: Date.now() }, null, 'unknown');
  const answers = await Promise.all(
    targets.map(async (target) => {
      try {
        const answer = await postTo(target, PROVIDERS[target.kind](target, message));
        return { ok: true, line: `${target.shown}: answered ${answer.status}` };
      } catch (error) {
        return { ok: false, line: `${target.shown}: ${error instanceof PostFailed ? error.message : String(error)}` };
      }
    }),
  );
  for (const { line } of answers) process.stdout.write(`${line}\n`);
  return answers.every(({ ok }) => ok) ? 0 : 1;
}
