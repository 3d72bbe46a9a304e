import { array, boolean, create, nullable, size, string, type, type Infer } from 'superstruct';
import { MOST_NAME_LENGTH } from '../../common/boxes';
import { requestJson, type HttpNode } from '../cluster/peer-http';
import { parseRfc3339Seconds, Rfc3339 } from '../time/timestamp';

/*
 * `GET /api/boxes` (and the answer of `POST /api/cleaned/undo`) as a command reads it: only
 * what it prints, each name bounded. Names are bounded by what a name may be, four bytes a
 * character; the list by a generous count (every box the household's history ever named).
 */

const MOST_BOXES_ANSWERED = 1000;

const BoxAnswer = type({
  box: size(string(), 1, 4 * MOST_NAME_LENGTH),
  lastCleaned: nullable(Rfc3339),
  by: nullable(size(string(), 1, 4 * MOST_NAME_LENGTH)),
  own: boolean(),
});
export const BoxesAnswer = size(array(BoxAnswer), 0, MOST_BOXES_ANSWERED);

/** One box as a node answers it, its time in ms. */
export interface AnsweredBox {
  box: string;
  lastCleaned: number | null;
  by: string | null;
  own: boolean;
}

/** Checks an answer that should be the node's boxes; throws a StructError that says what is wrong otherwise. */
export function boxesFrom(value: unknown): AnsweredBox[] {
  return create(value, BoxesAnswer).map((box: Infer<typeof BoxAnswer>) => ({
    box: box.box,
    lastCleaned: box.lastCleaned === null ? null : parseRfc3339Seconds(box.lastCleaned),
    by: box.by,
    own: box.own,
  }));
}

/** `GET /api/boxes` of `node`, checked. */
export async function askBoxes(node: HttpNode): Promise<AnsweredBox[]> {
  return boxesFrom(await requestJson(node, 'GET', '/api/boxes'));
}
