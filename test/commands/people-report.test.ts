import { peopleReport } from '../../src/commands/history-report';

describe('who cleaned, as `history` prints it', () => {
  it('prints a row a person, then whose turn it is and the cleanings that name nobody', () => {
    const report = peopleReport(
      [
        { name: 'Anna', cleanings30Days: 14, share: 0.61, lastCleaned: '2026-12-01T07:23:00+00:00' },
        { name: 'Ben', cleanings30Days: 9, share: 0.39, lastCleaned: null },
      ],
      'Ben',
      1,
      'Europe/Berlin',
    );
    expect(report).toBe(
      [
        'WHO   30 DAYS  SHARE  LAST CLEANED',
        'Anna  14       61 %   2026-12-01 08:23',
        'Ben   9        39 %   –',
        'whose turn: Ben · 1 cleaning in 30 days names nobody',
      ].join('\n'),
    );
  });

  it('prints nothing when nobody is named, and no turn when the household names nobody', () => {
    expect(peopleReport([], null, 5, 'UTC')).toBe('');
    const others = peopleReport([{ name: 'Eve', cleanings30Days: 0, share: null, lastCleaned: null }], null, 2, 'UTC');
    expect(others).toContain('Eve  0        –      –');
    expect(others.split('\n').pop()).toBe('2 cleanings in 30 days name nobody');
  });

  it('prints a name from the network with its control characters escaped', () => {
    const report = peopleReport(
      [{ name: 'A\u001b[2J', cleanings30Days: 1, share: 1, lastCleaned: null }],
      'A\u001b[2J',
      0,
      'UTC',
    );
    expect(report).not.toContain('\u001b');
  });
});
