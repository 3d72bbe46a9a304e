import { heldBack, PerSenderLimit } from '../../src/limits/per-sender-limit';

describe('one warning per sender per period', () => {
  let now = 0;
  const limit = () => new PerSenderLimit(60_000, () => now);
  beforeEach(() => {
    now = 1_000_000;
  });

  it('lets the first through, holds back the rest of the minute, and counts them in the next', () => {
    const senders = limit();
    expect(senders.take('10.0.0.2:5300')).toEqual({ suppressed: 0 });
    expect(senders.take('10.0.0.2:5300')).toBeNull();
    now += 59_999;
    expect(senders.take('10.0.0.2:5300')).toBeNull();
    now += 1;
    expect(senders.take('10.0.0.2:5300')).toEqual({ suppressed: 2 });
  });

  it('keeps senders apart', () => {
    const senders = limit();
    expect(senders.take('10.0.0.2:5300')).toEqual({ suppressed: 0 });
    expect(senders.take('10.0.0.3:5300')).toEqual({ suppressed: 0 });
  });

  it('remembers at most 1024 senders, forgetting the oldest, so that spoofed ones cannot grow it for ever', () => {
    const senders = new PerSenderLimit(60_000, () => now, Infinity);
    for (let i = 0; i < 1024; i += 1) senders.take(`10.0.${i >> 8}.${i & 255}:5300`);
    expect(senders.take('10.0.0.0:5300')).toBeNull();
    expect(senders.take('10.9.9.9:5300')).toEqual({ suppressed: 0 });
    // The oldest made room: it is let through again, the next oldest is still held back.
    expect(senders.take('10.0.0.1:5300')).toBeNull();
    expect(senders.take('10.0.0.0:5300')).toEqual({ suppressed: 0 });
  });

  it('lets 10 senders a period through in all, and says how many were held back in the next warning', () => {
    const senders = limit();
    const warned = Array.from({ length: 500 }, (_, i) => senders.take(`10.0.${i >> 8}.${i & 255}`));
    expect(warned.filter((warning) => warning !== null)).toHaveLength(10);
    // One sender held back by the budget, then back once it is renewed: the 490 others are said.
    now += 60_000;
    const next = senders.take('10.9.9.9');
    expect(next).toEqual({ suppressed: 0, suppressedOverall: 490 });
    expect(heldBack(next!)).toBe(' (held back since the last warning: 490 from every sender, too many to warn of)');
    expect(senders.take('10.9.9.8')).toEqual({ suppressed: 0 });
  });
});
