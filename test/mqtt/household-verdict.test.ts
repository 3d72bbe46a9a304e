import { householdVerdict } from '../../src/mqtt/household-time';
import { Reassertion } from '../../src/mqtt/reassertion';
import { HOUR, NOON } from '../support/time';

const at = (ms: number) => Buffer.from(new Date(ms).toISOString().replace('.000Z', '+00:00'));

describe("the broker's household time, judged", () => {
  const ours = NOON - HOUR;

  it('offers a later time, and agrees with ours', () => {
    expect(householdVerdict(at(NOON - 60_000), ours, NOON)).toEqual({
      offer: NOON - 60_000,
      believed: NOON - 60_000,
      answer: false,
    });
    expect(householdVerdict(at(ours), ours, NOON)).toEqual({ believed: ours, answer: false });
  });

  it('answers an older, unreadable, too large or far-ahead time with ours', () => {
    expect(householdVerdict(at(NOON - 30 * HOUR), ours, NOON)).toEqual({ answer: true });
    expect(householdVerdict(Buffer.from('soon'), ours, NOON)).toEqual({
      answer: true,
      problem: '"soon" is not an RFC 3339 time',
    });
    expect(householdVerdict(Buffer.alloc(16 * 1024 + 1, ' '), ours, NOON)).toEqual({
      answer: true,
      problem: '16385 bytes, more than the 16384 taken',
    });
    expect(householdVerdict(at(NOON + 2 * HOUR), ours, NOON)).toMatchObject({ offer: NOON + 2 * HOUR, answer: true });
  });

  it('has nothing to answer with while our time is unknown, and leaves a cleared topic cleared', () => {
    expect(householdVerdict(Buffer.from('soon'), null, NOON).answer).toBe(false);
    expect(householdVerdict(at(NOON + 2 * HOUR), null, NOON)).toMatchObject({ offer: NOON + 2 * HOUR, answer: false });
    expect(householdVerdict(at(NOON + 2 * HOUR), null, NOON).believed).toBeUndefined();
    expect(householdVerdict(Buffer.alloc(0), ours, NOON)).toEqual({ answer: false });
  });
});

describe('our own value published again', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('goes out at once, then at most once every period per topic, once for many requests', () => {
    const published: string[] = [];
    const reassertion = new Reassertion(
      5_000,
      (topic) => published.push(topic),
      () => Date.now(),
    );
    reassertion.request('a');
    reassertion.request('b');
    for (let i = 0; i < 100; i += 1) reassertion.request('a');
    expect(published).toEqual(['a', 'b']);
    jest.advanceTimersByTime(4_999);
    expect(published).toEqual(['a', 'b']);
    jest.advanceTimersByTime(1);
    expect(published).toEqual(['a', 'b', 'a']);
    reassertion.request('a');
    reassertion.stop();
    jest.advanceTimersByTime(10_000);
    expect(published).toEqual(['a', 'b', 'a']);
  });
});
