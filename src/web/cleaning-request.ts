import type { IncomingMessage } from 'node:http';
import { create, enums, object, optional, string, StructError, type Infer } from 'superstruct';
import { EARLIEST_MS } from '../../machines/shared/time-rules';
import { BoundedBody } from '../limits/bounded-body';
import { parseBoundedJson, type ParsedJson } from '../limits/bounded-json';
import { parseRfc3339Seconds, Rfc3339 } from '../time/timestamp';

/** Bodies larger than this are refused with 413, read no further. */
export const MOST_BODY_BYTES = 4096;

export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Headers the answer carries besides (Retry-After with a 429). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** Whether a request says its body is JSON. */
const isJson = (request: IncomingMessage): boolean =>
  (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() === 'application/json';

/**
 * The body, read no further than it is needed: a 413 once it passes `most` bytes (at once
 * when its Content-Length says so), and a JSON body a 400 at the first piece nested deeper
 * than any of ours. The rest is not read: the server closes such a connection once it has
 * answered.
 */
export function readBody(request: IncomingMessage, most = MOST_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = BoundedBody.declared(request.headers['content-length'], most);
    if (declared) {
      reject(new RequestError(413, `the body is ${declared.problem}`));
      return;
    }
    const body = new BoundedBody(most, isJson(request));
    request.on('data', (chunk: Buffer) => {
      const refusal = body.add(chunk);
      if (!refusal) return;
      request.removeAllListeners('data');
      request.pause();
      reject(new RequestError(refusal.tooLarge ? 413 : 400, `the body is ${refusal.problem}`));
    });
    request.on('end', () => resolve(body.bytes));
    request.on('error', reject);
  });
}

/** Who records a cleaning over HTTP: the page, or `reset` (which says so). */
type RequestSource = 'web' | 'reset';

const CleaningBody = object({
  at: optional(string()),
  source: optional(enums(['web', 'reset'] as const)),
  box: optional(string()),
  by: optional(string()),
});
type CleaningBody = Infer<typeof CleaningBody>;

export interface CleaningRequest {
  /** Undefined: now. */
  at: number | undefined;
  source: RequestSource;
  /** The box cleaned and who cleaned, as the request says them (the route checks them against the household). */
  box?: string;
  by?: string;
}

function rfc3339Time(value: string): number | null {
  try {
    return parseRfc3339Seconds(create(value, Rfc3339));
  } catch {
    return null;
  }
}

/** `2026-12-01T08:30` from a form's datetime-local input: a local time, with no offset. */
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?$/;

/**
 * The cleaning of `POST /api/cleaned`, from a JSON body `{}`, `{"at": "<RFC 3339>"}`, with
 * `"source": "reset"` from the command, or a form with an optional `at` (RFC 3339, or a
 * datetime-local value, taken in the node's time zone `localTime`). Throws a RequestError
 * (400) that names what was wrong, with the value.
 */
export function cleaningRequest(
  body: Buffer,
  contentType: string | undefined,
  now: number,
  localTime: (local: string) => number | null,
): CleaningRequest {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  let fields: CleaningBody;
  if (type === 'application/json') {
    const parsed: ParsedJson =
      body.length === 0 ? { ok: true, value: {} } : parseBoundedJson(body, { mostBytes: MOST_BODY_BYTES });
    if (!parsed.ok) throw new RequestError(400, `the body is ${parsed.problem}`);
    try {
      fields = create(parsed.value, CleaningBody);
    } catch (error) {
      const why = error instanceof StructError ? ` (${error.message})` : '';
      throw new RequestError(
        400,
        `the body must be {} or {"at": "<RFC 3339 time>"}, "source" "web" or "reset", "box" and "by" names${why}`,
      );
    }
  } else if (type === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(body.toString('utf8'));
    const field = (name: string) => {
      const value = form.get(name);
      return value === null || value === '' ? {} : { [name]: value };
    };
    fields = { ...field('at'), ...field('box'), ...field('by') };
  } else {
    throw new RequestError(400, `expected application/json or a form, not ${JSON.stringify(contentType ?? '')}`);
  }
  const source = fields.source ?? 'web';
  const named = {
    ...(fields.box === undefined ? {} : { box: fields.box }),
    ...(fields.by === undefined ? {} : { by: fields.by }),
  };
  if (fields.at === undefined) return { at: undefined, source, ...named };
  return { at: checkedTime(fields.at, now, type === 'application/json' ? null : localTime), source, ...named };
}

function checkedTime(value: string, now: number, localTime: ((local: string) => number | null) | null): number {
  const at = localTime && LOCAL_DATE_TIME.test(value) ? localTime(value) : rfc3339Time(value);
  if (at === null) {
    throw new RequestError(400, `"at" is ${JSON.stringify(value)}: not a real date and time in RFC 3339`);
  }
  if (at > now)
    throw new RequestError(400, `"at" is ${JSON.stringify(value)}, in the future: a cleaning is recorded once done`);
  if (at < EARLIEST_MS) throw new RequestError(400, `"at" is ${JSON.stringify(value)}, before 1970`);
  return at;
}
