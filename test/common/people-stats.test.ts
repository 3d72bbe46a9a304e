import type { Cleaning } from '../../common/history';
import { peopleStats } from '../../common/people-stats';
import { DAY, NOON } from '../support/time';

const by = (daysAgo: number, name?: string, box?: string): Cleaning => ({
  at: NOON - daysAgo * DAY,
  source: 'web',
  node: 'hall-1234',
  ...(name ? { by: name } : {}),
  ...(box ? { box } : {}),
});

describe('the figures per person', () => {
  it('count the cleanings of 30 days that name each person, of every box, and their share', () => {
    const stats = peopleStats(
      [by(40, 'Anna'), by(20, 'Anna'), by(10, 'Ben', 'upstairs'), by(5, 'Anna', 'upstairs'), by(2), by(1, 'Ben')],
      ['Anna', 'Ben', 'Cleo'],
      NOON,
    );
    expect(stats.people).toEqual([
      { name: 'Anna', cleanings30Days: 2, share: 0.5, lastCleaned: NOON - 5 * DAY },
      { name: 'Ben', cleanings30Days: 2, share: 0.5, lastCleaned: NOON - DAY },
      { name: 'Cleo', cleanings30Days: 0, share: 0, lastCleaned: null },
    ]);
    expect(stats.unsaid30Days).toBe(1);
    expect(stats.turn).toBe('Cleo');
  });

  it('give the turn, among equals, to the one who cleaned least recently', () => {
    const stats = peopleStats([by(3, 'Anna'), by(2, 'Ben'), by(1, 'Anna'), by(0.5, 'Ben')], ['Anna', 'Ben'], NOON);
    expect(stats.turn).toBe('Anna');
  });

  it('count a name another node gave that is not in this list, but never give it the turn', () => {
    const stats = peopleStats([by(1, 'Dora'), by(2, 'Anna')], ['Anna'], NOON);
    expect(stats.people.map((p) => [p.name, p.cleanings30Days])).toEqual([
      ['Anna', 1],
      ['Dora', 1],
    ]);
    expect(stats.turn).toBe('Anna');
  });

  it('have no shares when nobody is named, and no turn when the household names nobody', () => {
    const stats = peopleStats([by(1)], [], NOON);
    expect(stats).toEqual({ people: [], unsaid30Days: 1, turn: null });
    expect(peopleStats([by(1)], ['Anna'], NOON).people[0].share).toBeNull();
  });
});
