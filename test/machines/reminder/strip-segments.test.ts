import { ledColours, segmentsProblem, stripSegments } from '../../../machines/reminder/strip-segments';

describe('the segments of a strip that shows several boxes', () => {
  it('share 10 LEDs between two boxes five each, in the order named', () => {
    expect(stripSegments(['upstairs', 'basement'], 10)).toEqual([
      { box: 'upstairs', first: 0, count: 5 },
      { box: 'basement', first: 5, count: 5 },
    ]);
  });

  it('give the remainder to the first boxes, one LED each', () => {
    expect(stripSegments(['a', 'b', 'c'], 10).map((s) => s.count)).toEqual([4, 3, 3]);
    expect(stripSegments(['a', 'b', 'c'], 11).map((s) => s.count)).toEqual([4, 4, 3]);
  });

  it('give one box the whole strip', () => {
    expect(stripSegments(['litter box'], 30)).toEqual([{ box: 'litter box', first: 0, count: 30 }]);
  });

  it('need one LED a box', () => {
    expect(segmentsProblem(['a', 'b', 'c'], 2)).toBe(
      'boxes: names 3 boxes for a strip of 2 LEDs: each box needs one LED at least',
    );
    expect(segmentsProblem(['a', 'b'], 2)).toBeNull();
  });

  it("colour each segment with its box's look, dark in the off half of a blink", () => {
    const segments = stripSegments(['upstairs', 'basement'], 5);
    const looks = new Map([
      ['upstairs', { colour: '#003c00' as const, lit: true }],
      ['basement', { colour: '#3c0000' as const, lit: false }],
    ]);
    expect(ledColours(segments, looks, 5)).toEqual(['#003c00', '#003c00', '#003c00', '#000000', '#000000']);
    looks.set('basement', { colour: '#3c0000', lit: true });
    expect(ledColours(segments, looks, 5).slice(3)).toEqual(['#3c0000', '#3c0000']);
  });
});
