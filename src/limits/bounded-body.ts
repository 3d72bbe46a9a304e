import { JsonDepthScanner, MOST_JSON_DEPTH } from './bounded-json';

/** Why a body was refused while it was still arriving: too large (413), or JSON nested too deep (400). */
export interface BodyRefusal {
  tooLarge: boolean;
  /** What the body is, after "the body is": `larger than 4096 bytes`. */
  problem: string;
}

/**
 * A body (a request's, or a peer's answer) collected a piece at a time and refused at the
 * first piece that makes it too large or, for JSON, nested too deep: what comes after is
 * never read, and nothing is parsed. Two megabytes of `[[[[` so cost the reader one chunk.
 */
export class BoundedBody {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private readonly depth: JsonDepthScanner | null;

  constructor(
    private readonly mostBytes: number,
    json: boolean,
  ) {
    this.depth = json ? new JsonDepthScanner() : null;
  }

  /** What is wrong with a body that says it holds `declared` bytes (its Content-Length), before any is read. */
  static declared(declared: string | undefined, mostBytes: number): BodyRefusal | null {
    const size = Number(declared);
    return declared !== undefined && size > mostBytes
      ? { tooLarge: true, problem: `${size} bytes, more than the ${mostBytes} taken` }
      : null;
  }

  /** Takes the next piece; what is wrong once something is (then stop reading), else null. */
  add(chunk: Buffer): BodyRefusal | null {
    this.size += chunk.length;
    if (this.size > this.mostBytes) {
      return { tooLarge: true, problem: `larger than ${this.mostBytes} bytes` };
    }
    if (this.depth && this.depth.scan(chunk, MOST_JSON_DEPTH) > MOST_JSON_DEPTH) {
      return { tooLarge: false, problem: `nested more than ${MOST_JSON_DEPTH} levels deep` };
    }
    this.chunks.push(chunk);
    return null;
  }

  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
