import fc from 'fast-check';
import { jsonDepth, JsonDepthScanner, MOST_JSON_DEPTH, parseBoundedJson } from '../../src/limits/bounded-json';

describe('JSON from outside, bounded before it is parsed', () => {
  it('parses what is small and shallow enough', () => {
    expect(parseBoundedJson('[{"at":"x","node":null}]', { mostBytes: 100 })).toEqual({
      ok: true,
      value: [{ at: 'x', node: null }],
    });
  });

  it('refuses 2 MB of nested brackets without parsing them (no RangeError)', () => {
    const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    const parsed = parseBoundedJson(deep, { mostBytes: 4 * 1024 * 1024 });
    expect(parsed).toEqual({ ok: false, problem: `nested more than ${MOST_JSON_DEPTH} levels deep` });
  });

  it('refuses what is larger than asked, before looking at it', () => {
    expect(parseBoundedJson('[1,2,3]', { mostBytes: 3 })).toEqual({
      ok: false,
      problem: '7 bytes, more than the 3 taken',
    });
  });

  it('counts no bracket inside a string, escaped quotes included', () => {
    expect(jsonDepth(Buffer.from('{"a":"[[[[\\"[[[[","b":[1]}'))).toBe(2);
  });

  it('says what is not JSON, with the start of it', () => {
    expect(parseBoundedJson('{"a":', { mostBytes: 100 })).toEqual({ ok: false, problem: 'not JSON: "{\\"a\\":"' });
  });

  it('agrees with JSON.parse on the depth of any value it can write', () => {
    const depthOf = (value: unknown): number =>
      typeof value === 'object' && value !== null
        ? 1 + Math.max(0, ...Object.values(value as Record<string, unknown>).map(depthOf))
        : 0;
    fc.assert(fc.property(fc.jsonValue(), (value) => jsonDepth(Buffer.from(JSON.stringify(value))) === depthOf(value)));
  });

  it('reads the same depth a piece at a time, wherever the pieces are cut', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), (value, cutAt) => {
        const bytes = Buffer.from(JSON.stringify(value));
        const cut = bytes.length === 0 ? 0 : cutAt % bytes.length;
        const scanner = new JsonDepthScanner();
        scanner.scan(bytes.subarray(0, cut));
        return scanner.scan(bytes.subarray(cut)) === jsonDepth(bytes);
      }),
    );
  });

  it('carries an escape across pieces: a quote escaped at the cut stays in its string', () => {
    const scanner = new JsonDepthScanner();
    scanner.scan(Buffer.from('["a\\'));
    expect(scanner.scan(Buffer.from('"[[[[", 1]'))).toBe(1);
  });
});
