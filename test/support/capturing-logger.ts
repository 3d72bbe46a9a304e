import pino from 'pino';

/** A pino logger at every level whose records land, parsed, in `records`. */
export function capturingLogger() {
  const records: Record<string, unknown>[] = [];
  const log = pino(
    { base: undefined, level: 'trace' },
    { write: (line: string) => void records.push(JSON.parse(line)) },
  );
  return { log, records };
}
