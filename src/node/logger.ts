import pino, { type Logger } from 'pino';

export type LogFormat = 'json' | 'pretty';

/**
 * One JSON object per line for scripts (`json`), or readable lines for people
 * (`pretty`). Writes are synchronous so that the last records before an exit,
 * the final dark `led` frame among them, are never lost.
 */
export function createLogger(format: LogFormat, level: string, stream: NodeJS.WritableStream, colour: boolean): Logger {
  const options = { level, base: undefined };
  if (format === 'json') return pino(options, stream);
  // Loaded only for readable lines (a terminal, the journal): a node logging JSON for scripts is spared its memory.
  const pretty = require('pino-pretty') as typeof import('pino-pretty');
  return pino(options, pretty({ destination: stream, sync: true, colorize: colour, hideObject: true }));
}
