import fc from 'fast-check';
import { create, literal, nullable, object, union } from 'superstruct';
import { decode, encode } from '../../../src/cluster/protocol/codec';
import { MAX_SECS, type Message, MIN_SECS, SecsStruct } from '../../../src/cluster/protocol/message';
import wire from '../../fixtures/wire-vectors.json';

/** The vectors' JSON, read as messages. */
const MessageStruct = union([
  object({ type: literal('RequestState') }),
  object({ type: literal('UpdateState'), secs: nullable(SecsStruct) }),
]);

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const RANGE = `${MIN_SECS}..=${MAX_SECS}`;

function bytes(hex: string): Buffer {
  return Buffer.from(hex, 'hex');
}

function someSecs(secs: bigint): Buffer {
  const encoded = Buffer.alloc(13);
  encoded.writeUInt32LE(1, 0);
  encoded.writeUInt8(1, 4);
  encoded.writeBigInt64LE(secs, 5);
  return encoded;
}

const representableSecs = fc.bigInt({ min: BigInt(MIN_SECS), max: BigInt(MAX_SECS) }).map(Number);

const unrepresentableSecs = fc.oneof(
  fc.bigInt({ min: I64_MIN, max: BigInt(MIN_SECS) - 1n }),
  fc.bigInt({ min: BigInt(MAX_SECS) + 1n, max: I64_MAX }),
);

const messages: fc.Arbitrary<Message> = fc.oneof(
  fc.constant<Message>({ type: 'RequestState' }),
  fc.record({
    type: fc.constant('UpdateState' as const),
    secs: fc.option(representableSecs, { nil: null }),
  }),
);

describe('chrono range', () => {
  it('MIN_SECS is -262143-01-01T00:00:00Z', () => {
    const min = new Date(Date.UTC(2000, 0, 1));
    min.setUTCFullYear(-262143, 0, 1);
    expect(min.getTime() / 1000).toBe(MIN_SECS);
    expect(MIN_SECS).toBe(-8334601228800);
  });

  it('MAX_SECS is +262142-12-31T23:59:59Z', () => {
    const max = new Date(Date.UTC(2000, 0, 1));
    max.setUTCFullYear(262142, 11, 31);
    max.setUTCHours(23, 59, 59);
    expect(max.getTime() / 1000).toBe(MAX_SECS);
    expect(MAX_SECS).toBe(8210266876799);
  });
});

describe('golden vectors from the original', () => {
  const vectors = wire.vectors.map(({ message, hex }) => ({
    message: create(message, MessageStruct),
    hex,
  }));

  it('covers both variants and both option cases', () => {
    expect(vectors).toHaveLength(9);
  });

  it.each(vectors)('decodes $hex', ({ message, hex }) => {
    expect(decode(bytes(hex))).toEqual({ ok: true, message });
  });

  it.each(vectors)('encodes $message back to $hex', ({ message, hex }) => {
    expect(encode(message).toString('hex')).toBe(hex);
  });

  it.each(wire.rejected_by_the_original)('rejects "$hex" ($why)', ({ hex }) => {
    expect(decode(bytes(hex)).ok).toBe(false);
  });

  it.each(wire.accepted_with_trailing_bytes)('ignores trailing bytes in $hex', ({ hex, decodes_as }) => {
    expect(decode(bytes(hex))).toEqual({ ok: true, message: create(decodes_as, MessageStruct) });
  });
});

describe('decode', () => {
  it.each([
    ['', 'empty datagram'],
    ['01', 'truncated variant index (1 bytes)'],
    ['010000', 'truncated variant index (3 bytes)'],
    ['0200000000', 'unknown variant index 2'],
    ['ffffffff', 'unknown variant index 4294967295'],
    ['01000000', 'missing option tag'],
    ['010000000200000000000000', 'invalid option tag 2'],
    ['01000000ff', 'invalid option tag 255'],
    ['0100000001', 'truncated i64 (0 of 8 bytes)'],
    ['0100000001ff', 'truncated i64 (1 of 8 bytes)'],
    ['0100000001ffffffffffffff', 'truncated i64 (7 of 8 bytes)'],
    ['01000000010000000000000080', `timestamp out of range: -9223372036854775808 s is not within ${RANGE}`],
    ['0100000001ffffffffffffff7f', `timestamp out of range: 9223372036854775807 s is not within ${RANGE}`],
  ])('rejects "%s" with "%s"', (hex, reason) => {
    expect(decode(bytes(hex))).toEqual({ ok: false, reason });
  });

  it('accepts the chrono range bounds and rejects one second beyond them', () => {
    expect(decode(someSecs(BigInt(MIN_SECS)))).toEqual({ ok: true, message: { type: 'UpdateState', secs: MIN_SECS } });
    expect(decode(someSecs(BigInt(MAX_SECS)))).toEqual({ ok: true, message: { type: 'UpdateState', secs: MAX_SECS } });
    expect(decode(someSecs(BigInt(MIN_SECS) - 1n))).toEqual({
      ok: false,
      reason: `timestamp out of range: -8334601228801 s is not within ${RANGE}`,
    });
    expect(decode(someSecs(BigInt(MAX_SECS) + 1n))).toEqual({
      ok: false,
      reason: `timestamp out of range: 8210266876800 s is not within ${RANGE}`,
    });
  });

  it('ignores trailing bytes after an UpdateState', () => {
    expect(decode(bytes('0100000001403ca06500000000ff'))).toEqual({
      ok: true,
      message: { type: 'UpdateState', secs: 1705000000 },
    });
    expect(decode(bytes('010000000001'))).toEqual({ ok: true, message: { type: 'UpdateState', secs: null } });
  });

  it('reads a Uint8Array view from its own offset', () => {
    const view = new Uint8Array([0xaa, 0x01, 0x00, 0x00, 0x00, 0x00]).subarray(1);
    expect(decode(view)).toEqual({ ok: true, message: { type: 'UpdateState', secs: null } });
  });

  it('never throws on arbitrary bytes, and whatever it accepts re-encodes to a prefix of them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (input) => {
        const result = decode(input);
        if (result.ok) {
          const encoded = encode(result.message);
          expect(Buffer.from(input.subarray(0, encoded.length)).equals(encoded)).toBe(true);
        } else {
          expect(result.reason).toMatch(
            /^(empty datagram|truncated |missing option tag|unknown variant index |invalid option tag |timestamp out of range: )/,
          );
        }
      }),
    );
  });

  it('never throws on a prefix of a valid encoding and rejects it as incomplete', () => {
    fc.assert(
      fc.property(messages, fc.nat(), (message, cut) => {
        const encoded = encode(message);
        const result = decode(encoded.subarray(0, cut % encoded.length));
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.reason).toMatch(/^(empty datagram|truncated variant index|missing option tag|truncated i64)/);
        }
      }),
    );
  });

  it('rejects every i64 outside the chrono range', () => {
    fc.assert(
      fc.property(unrepresentableSecs, (secs) => {
        expect(decode(someSecs(secs))).toEqual({
          ok: false,
          reason: `timestamp out of range: ${secs} s is not within ${RANGE}`,
        });
      }),
    );
  });
});

describe('encode', () => {
  it('round-trips every representable message', () => {
    fc.assert(
      fc.property(messages, (message) => {
        const encoded = encode(message);
        const expectedLength = message.type === 'RequestState' ? 4 : message.secs === null ? 5 : 13;
        expect(encoded).toHaveLength(expectedLength);
        expect(decode(encoded)).toEqual({ ok: true, message });
      }),
    );
  });

  it('writes secs as a little-endian i64', () => {
    fc.assert(
      fc.property(representableSecs, (secs) => {
        expect(encode({ type: 'UpdateState', secs }).equals(someSecs(BigInt(secs)))).toBe(true);
      }),
    );
  });

  it('refuses secs outside the chrono range, naming the value', () => {
    expect(() => encode({ type: 'UpdateState', secs: MAX_SECS + 1 })).toThrow(
      new RangeError(
        `cannot encode UpdateState: secs 8210266876800 is not within ${RANGE}, the seconds chrono's DateTime<Utc> can represent`,
      ),
    );
    fc.assert(
      fc.property(unrepresentableSecs.map(Number), (secs) => {
        expect(() => encode({ type: 'UpdateState', secs })).toThrow(RangeError);
        expect(() => encode({ type: 'UpdateState', secs })).toThrow(`secs ${secs} is not within ${RANGE}`);
      }),
    );
  });

  it.each([0.5, -1.5, NaN, Infinity, -Infinity])('refuses secs %p, which is not a whole second', (secs) => {
    expect(() => encode({ type: 'UpdateState', secs })).toThrow(
      new RangeError(`cannot encode UpdateState: Expected an integer, but received: ${secs}`),
    );
  });

  it('refuses any non-integer secs', () => {
    fc.assert(
      fc.property(fc.double({ noInteger: true }), (secs) => {
        expect(() => encode({ type: 'UpdateState', secs })).toThrow(RangeError);
      }),
    );
  });
});
