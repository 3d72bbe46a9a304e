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

/**
 * How deep JSON nests its arrays and objects, read a piece at a time as it arrives (a
 * request's body, chunk by chunk): a reader can stop at the first piece that goes too
 * deep, before the rest is even received. No bracket inside a string counts.
 */
export class JsonDepthScanner {
  /** The deepest nesting seen so far. */
  deepest = 0;
  private depth = 0;
  private inString = false;
  // A backslash may end one piece and the character it escapes begin the next.
  private escaped = false;

  /** Reads the next piece; stops early once `deepest` passes `most`. Returns `deepest`. */
  scan(bytes: Uint8Array, most = Infinity): number {
    for (const byte of bytes) {
      if (this.escaped) {
        this.escaped = false;
      } else if (this.inString) {
        if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
      } else if (byte === QUOTE) {
        this.inString = true;
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        this.depth += 1;
        if (this.depth > this.deepest) {
          this.deepest = this.depth;
          if (this.deepest > most) return this.deepest;
        }
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        this.depth -= 1;
      }
    }
    return this.deepest;
  }
}

/** How deep `bytes` nests its arrays and objects, counting no bracket inside a string; stops past `most`. */
export function jsonDepth(bytes: Uint8Array, most = Infinity): number {
  return new JsonDepthScanner().scan(bytes, most);
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
