/**
 * JSON from outside (a request's body, a peer's answer, a line of a file), parsed only
 * once it is known to be small and shallow enough. `JSON.parse` recurses once per level
 * of nesting: two megabytes of `[[[[…` throw a RangeError deep in the stack, and take
 * the CPU the strip's blinking needs. A scan of the bytes first costs one pass and no
 * allocation, and refuses such input before any parsing starts.
 */

/** No body, answer or line this program reads nests deeper: `[{"at": …}]` is two levels. */
export const MOST_JSON_DEPTH = 8;

export type ParsedJson = { ok: true; value: unknown } | { ok: false; problem: string };

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** How deep `bytes` nests its arrays and objects, counting no bracket inside a string; stops past `most`. */
export function jsonDepth(bytes: Uint8Array, most = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth += 1;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > most) return deepest;
      }
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return deepest;
}

/**
 * `bytes` as JSON when it holds at most `mostBytes` bytes nested at most `mostDepth`
 * deep; otherwise, or when it is no JSON, what is wrong, in words.
 */
export function parseBoundedJson(
  bytes: Uint8Array | string,
  limits: { mostBytes: number; mostDepth?: number },
): ParsedJson {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const mostDepth = limits.mostDepth ?? MOST_JSON_DEPTH;
  if (buffer.length > limits.mostBytes) {
    return { ok: false, problem: `${buffer.length} bytes, more than the ${limits.mostBytes} taken` };
  }
  if (jsonDepth(buffer, mostDepth) > mostDepth) {
    return { ok: false, problem: `nested more than ${mostDepth} levels deep` };
  }
  const text = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength).toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, problem: `not JSON: ${JSON.stringify(text.slice(0, 60))}` };
  }
}
