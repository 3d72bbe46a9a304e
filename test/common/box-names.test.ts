import {
  boxesProblem,
  boxField,
  boxNameProblem,
  DEFAULT_BOX,
  peopleProblem,
  personNameProblem,
} from '../../common/boxes';

describe("a box's name", () => {
  it.each(['upstairs', 'litter box', 'Küche 2', 'box-3', 'a', 'x'.repeat(32)])('may be %j', (name) => {
    expect(boxNameProblem(name)).toBeNull();
  });

  it.each([
    ['', 'the box name "" is 0 characters long: expected 1 to 32'],
    ['x'.repeat(33), `the box name "${'x'.repeat(33)}" is 33 characters long: expected 1 to 32`],
    ['up/stairs', 'the box name "up/stairs" holds a character other than letters, digits, space and -'],
    ['a#', 'the box name "a#" holds a character other than letters, digits, space and -'],
    ['tab\there', 'the box name "tab\\there" holds a character other than letters, digits, space and -'],
    [' upstairs', 'the box name " upstairs" begins or ends with a space, or holds two in a row'],
    ['up  stairs', 'the box name "up  stairs" begins or ends with a space, or holds two in a row'],
  ])('may not be %j', (name, problem) => {
    expect(boxNameProblem(name)).toBe(problem);
  });

  it('of the default box is written as no box at all', () => {
    expect(boxField(DEFAULT_BOX)).toEqual({});
    expect(boxField(undefined)).toEqual({});
    expect(boxField('upstairs')).toEqual({ box: 'upstairs' });
  });
});

describe('the lists of boxes and people', () => {
  it('take good names, once each whatever their case', () => {
    expect(boxesProblem(['upstairs', 'basement'])).toBeNull();
    expect(boxesProblem(['upstairs', 'Upstairs'])).toBe('"Upstairs" is named twice among the boxes');
    expect(boxesProblem([])).toBe('boxes: names no box: name one at least');
    expect(peopleProblem(['Anna', "O'Brien", 'J. Smith', 'Zoë'])).toBeNull();
    expect(peopleProblem(['Anna', 'B<en'])).toBe(
      `the name "B<en" holds a character other than letters, digits, space, -, ' and .`,
    );
    expect(peopleProblem(Array.from({ length: 13 }, (_, i) => `P${i}`))).toBe('13 people are named: at most 12 may be');
    expect(personNameProblem('Anna')).toBeNull();
  });
});
