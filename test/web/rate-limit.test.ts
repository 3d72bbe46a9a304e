import { RateLimit } from '../../src/web/rate-limit';

describe('a rate limit per address', () => {
  it('lets a burst through, then one more for each refill, and says how long to wait', () => {
    let now = 0;
    const limit = new RateLimit({ burst: 3, perSecond: 0.5 }, () => now);
    expect([limit.take('a'), limit.take('a'), limit.take('a')]).toEqual([null, null, null]);
    expect(limit.take('a')).toBe(2);
    now += 1_000;
    expect(limit.take('a')).toBe(1);
    now += 1_000;
    expect(limit.take('a')).toBeNull();
    expect(limit.take('a')).toBe(2);
  });

  it('keeps each address its own bucket', () => {
    const limit = new RateLimit({ burst: 1, perSecond: 1 }, () => 0);
    expect(limit.take('a')).toBeNull();
    expect(limit.take('a')).toBe(1);
    expect(limit.take('b')).toBeNull();
  });

  it('never refills more than the burst, and takes a clock that steps back as no time passed', () => {
    let now = 1_000_000;
    const limit = new RateLimit({ burst: 2, perSecond: 1 }, () => now);
    now += 3_600_000;
    expect([limit.take('a'), limit.take('a'), limit.take('a')]).toEqual([null, null, 1]);
    now -= 60_000;
    expect(limit.take('a')).toBe(1);
  });

  it('remembers 1,024 addresses at most: the quietest is forgotten first', () => {
    const limit = new RateLimit({ burst: 1, perSecond: 1 }, () => 0);
    for (let i = 0; i < 1_025; i += 1) limit.take(`10.0.${i >> 8}.${i & 255}`);
    // The first was forgotten: it starts afresh. The last is remembered.
    expect(limit.take('10.0.0.0')).toBeNull();
    expect(limit.take('10.0.4.0')).toBe(1);
  });
});
