import { validate } from 'superstruct';
import { MAX_SECS, type Message, MIN_SECS, SecsStruct } from './message';

/*
 * Byte-compatible with the original's serde + bincode 1.3 encoding (default
 * options: fixed-width little-endian integers) of
 *   enum Message { RequestState, UpdateState(Option<DateTime<Utc>>) }
 * with the timestamp as chrono::serde::ts_seconds_option:
 *   u32 variant index (0 RequestState, 1 UpdateState)
 *   UpdateState: u8 option tag (0 None, 1 Some), then for Some an i64 of seconds
 */

export type DecodeResult = { ok: true; message: Message } | { ok: false; reason: string };

const REQUEST_STATE = 0;
const UPDATE_STATE = 1;
const NONE = 0;
const SOME = 1;

const VARIANT_BYTES = 4;
const TAG_BYTES = 1;
const SECS_BYTES = 8;

const MIN_SECS_BIG = BigInt(MIN_SECS);
const MAX_SECS_BIG = BigInt(MAX_SECS);

/** @throws RangeError when `secs` is not a whole second chrono's DateTime<Utc> can hold. */
export function encode(message: Message): Buffer {
  if (message.type === 'RequestState') {
    const bytes = Buffer.alloc(VARIANT_BYTES);
    bytes.writeUInt32LE(REQUEST_STATE, 0);
    return bytes;
  }
  if (message.secs === null) {
    const bytes = Buffer.alloc(VARIANT_BYTES + TAG_BYTES);
    bytes.writeUInt32LE(UPDATE_STATE, 0);
    bytes.writeUInt8(NONE, VARIANT_BYTES);
    return bytes;
  }
  const [error] = validate(message.secs, SecsStruct);
  if (error !== undefined) {
    throw new RangeError(`cannot encode UpdateState: ${error.message}`);
  }
  const bytes = Buffer.alloc(VARIANT_BYTES + TAG_BYTES + SECS_BYTES);
  bytes.writeUInt32LE(UPDATE_STATE, 0);
  bytes.writeUInt8(SOME, VARIANT_BYTES);
  bytes.writeBigInt64LE(BigInt(message.secs), VARIANT_BYTES + TAG_BYTES);
  return bytes;
}

/**
 * Never throws: datagrams come from the network, so every malformed input is
 * reported as a reason. Bytes after a complete message are ignored, as bincode
 * 1.3 ignores them.
 */
export function decode(bytes: Uint8Array): DecodeResult {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length === 0) {
    return reject('empty datagram');
  }
  if (buffer.length < VARIANT_BYTES) {
    return reject(`truncated variant index (${buffer.length} bytes)`);
  }
  const variant = buffer.readUInt32LE(0);
  switch (variant) {
    case REQUEST_STATE:
      return { ok: true, message: { type: 'RequestState' } };
    case UPDATE_STATE:
      return decodeUpdateState(buffer.subarray(VARIANT_BYTES));
    default:
      return reject(`unknown variant index ${variant}`);
  }
}

function decodeUpdateState(payload: Buffer): DecodeResult {
  if (payload.length < TAG_BYTES) {
    return reject('missing option tag');
  }
  const tag = payload.readUInt8(0);
  if (tag === NONE) {
    return { ok: true, message: { type: 'UpdateState', secs: null } };
  }
  if (tag !== SOME) {
    return reject(`invalid option tag ${tag}`);
  }
  const available = payload.length - TAG_BYTES;
  if (available < SECS_BYTES) {
    return reject(`truncated i64 (${available} of ${SECS_BYTES} bytes)`);
  }
  const secs = payload.readBigInt64LE(TAG_BYTES);
  // Checked as a bigint because most i64 values have no exact `number`.
  if (secs < MIN_SECS_BIG || secs > MAX_SECS_BIG) {
    return reject(`timestamp out of range: ${secs} s is not within ${MIN_SECS}..=${MAX_SECS}`);
  }
  return checkedSecs(Number(secs));
}

/**
 * SecsStruct is the single definition of the seconds a message may carry, so decode
 * answers to it too. Only the seconds come from the wire: the rest of the message is
 * built here, and checking it again would cost every datagram more than its decoding.
 */
function checkedSecs(secs: number): DecodeResult {
  const [error] = validate(secs, SecsStruct);
  return error === undefined
    ? { ok: true, message: { type: 'UpdateState', secs } }
    : reject(`invalid message: ${error.message}`);
}

function reject(reason: string): DecodeResult {
  return { ok: false, reason };
}
