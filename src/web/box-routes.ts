import type { IncomingMessage, ServerResponse } from 'node:http';
import { create, object, optional, string, StructError } from 'superstruct';
import type { BoxJson } from '../../common/api-json';
import { boxNameProblem } from '../../common/boxes';
import type { Refusal } from '../../machines/history/boxes';
import type { NodeView } from '../../machines/node/node-view';
import { parseBoundedJson } from '../limits/bounded-json';
import { formatRfc3339, parseRfc3339Seconds, Rfc3339 } from '../time/timestamp';
import { MOST_BODY_BYTES, readBody, RequestError } from './cleaning-request';
import { crossSiteProblem } from './guards';

/*
 * The routes of issue 25 (docs/boxes.md): every box of the household, taking a cleaning back,
 * saying who cleaned. Bounded and same-origin as `POST /api/cleaned`.
 */

/** The node's answer to an undo or a name: done, or refused with the reason (machines/history/boxes.ts). */
export type BoxAnswer = { ok: true } | Pick<Refusal, 'ok' | 'reason' | 'problem'>;

/** What the box routes need of the server around them. */
export interface BoxSite {
  view(): NodeView | undefined;
  now(): number;
  undoCleaning(box: string, at: number): Promise<BoxAnswer>;
  nameCleaning(box: string, at: number, by: string): Promise<BoxAnswer>;
}

/** `GET /api/boxes`: every box of the household as this node knows it, its own first. */
export function boxesJson(view: NodeView, now: number): BoxJson[] {
  return view.boxes.map((box) => ({
    box: box.box,
    lastCleaned: box.lastCleaned === null ? null : formatRfc3339(box.lastCleaned),
    ageSeconds: box.lastCleaned === null ? null : Math.max(0, Math.floor((now - box.lastCleaned) / 1000)),
    level: box.level,
    colour: box.colour,
    nodes: box.nodes,
    by: box.by,
    undoUntil: box.undo === null ? null : formatRfc3339(box.undo.until),
    own: box.own,
  }));
}

/** What changes the `boxes` event: anything of a box but its age. */
export const boxesKey = (view: NodeView): string => JSON.stringify(view.boxes);

/** A box named in a request: a valid name that the household knows, else a 400 that says which. */
export function knownBox(view: NodeView, box: string | undefined): string {
  const own = view.boxes[0]?.box;
  if (box === undefined) return own;
  const problem = boxNameProblem(box);
  if (problem) throw new RequestError(400, `"box": ${problem}; nothing was changed`);
  if (!view.boxes.some((known) => known.box === box)) {
    const names = view.boxes.map((known) => JSON.stringify(known.box)).join(', ');
    throw new RequestError(400, `"box" is ${JSON.stringify(box)}, which this household has not: ${names}`);
  }
  return box;
}

/** A name said in a request: one of the household's people, else a 400. */
export function knownPerson(view: NodeView, by: string | undefined): string | undefined {
  if (by === undefined || view.people.includes(by)) return by;
  const names = view.people.length === 0 ? 'none are named (people:)' : view.people.join(', ');
  throw new RequestError(400, `"by" is ${JSON.stringify(by)}, not one of the household's people: ${names}`);
}

const UndoBody = object({ at: string(), box: optional(string()), by: optional(string()) });

/** `{"at", "box"}` (and `"by"`), JSON, bounded: the cleaning named, or a 400 that says what was wrong. */
async function cleaningNamed(request: IncomingMessage, what: string) {
  const problem = crossSiteProblem(request);
  if (problem) throw new RequestError(403, `${problem} may not ${what}; nothing was changed`);
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json')
    throw new RequestError(400, `expected application/json, not ${JSON.stringify(type)}`);
  const parsed = parseBoundedJson(await readBody(request), { mostBytes: MOST_BODY_BYTES });
  if (!parsed.ok) throw new RequestError(400, `the body is ${parsed.problem}`);
  try {
    const body = create(parsed.value, UndoBody);
    return { ...body, at: parseRfc3339Seconds(create(body.at, Rfc3339)) };
  } catch (error) {
    const why = error instanceof StructError ? ` (${error.message})` : '';
    throw new RequestError(400, `the body must be {"at": "<RFC 3339 time>", "box": "<box>"}${why}`);
  }
}

function answer(site: BoxSite, response: ServerResponse, result: BoxAnswer, send: SendJson): void {
  const view = site.view();
  if (!result.ok) send(response, 409, { error: result.problem, reason: result.reason });
  else if (view) send(response, 200, boxesJson(view, site.now()));
}

type SendJson = (response: ServerResponse, status: number, body: unknown) => void;

/** `POST /api/cleaned/undo` `{"at", "box"}`: 200 with the boxes, or 409 with the reason. */
export async function postUndo(
  site: BoxSite,
  view: NodeView,
  request: IncomingMessage,
  response: ServerResponse,
  send: SendJson,
) {
  const named = await cleaningNamed(request, 'take a cleaning back');
  answer(site, response, await site.undoCleaning(knownBox(view, named.box), named.at), send);
}

/** `POST /api/cleaned/by` `{"at", "box", "by"}`: 200 with the boxes, 400 for a name not known, or 409 with the reason. */
export async function postNamed(
  site: BoxSite,
  view: NodeView,
  request: IncomingMessage,
  response: ServerResponse,
  send: SendJson,
) {
  const named = await cleaningNamed(request, 'say who cleaned');
  if (named.by === undefined) throw new RequestError(400, 'the body must name who cleaned: {"at", "box", "by"}');
  const by = knownPerson(view, named.by) ?? named.by;
  answer(site, response, await site.nameCleaning(knownBox(view, named.box), named.at, by), send);
}
