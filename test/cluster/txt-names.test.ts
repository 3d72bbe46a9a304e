import fc from 'fast-check';
import { MOST_BOXES_SHOWN, MOST_NAME_LENGTH, MOST_PEOPLE } from '../../common/boxes';
import { namesEntry, namesOf } from '../../src/cluster/txt-names';
import { describePeer, txtRecord } from '../../src/cluster/txt-record';
import { DEFAULT_THRESHOLDS } from '../../machines/reminder/levels';

/*
 * Issue 25: the TXT entries `boxes=` and `people=`. A node says its names in one TXT string
 * (255 bytes at most, its key included); a peer's entry counts only when every name in it is
 * one a configuration would take, and no more of them than a configuration may hold.
 */

const bytes = (key: string, value: string) => Buffer.byteLength(`${key}=${value}`);

/** Valid names: letters of several scripts (up to 4 bytes each in UTF-8), digits, single spaces, `-`. */
const letter = fc.constantFrom('a', 'Z', 'é', 'ß', 'ж', '猫', '𠀋', '7', '-');
const name = fc
  .array(letter, { minLength: 1, maxLength: MOST_NAME_LENGTH })
  .map((letters) => letters.join(''))
  .filter((value) => value.length > 0);
const names = (most: number) =>
  fc.uniqueArray(name, { minLength: 1, maxLength: most, selector: (value) => value.toLowerCase() });

describe('TXT boxes= and people=', () => {
  it('says as many names as fit in one TXT string, in their order, and a peer reads back just those', () => {
    for (const [key, most] of [
      ['boxes', MOST_BOXES_SHOWN],
      ['people', MOST_PEOPLE],
    ] as const) {
      fc.assert(
        fc.property(names(most), (given) => {
          const { value, left } = namesEntry(key, given);
          expect(bytes(key, value)).toBeLessThanOrEqual(255);
          const said = given.slice(0, given.length - left.length);
          expect([...said, ...left]).toEqual(given);
          // One name always fits: 32 letters of 4 bytes are 128.
          expect(said.length).toBeGreaterThan(0);
          expect(namesOf(key, value)).toEqual(said);
        }),
      );
    }
  });

  it('fits eight boxes of 30 letters, seven of 32', () => {
    const boxes = (length: number) => 'abcdefgh'.split('').map((first) => first.repeat(length));
    expect(namesEntry('boxes', boxes(30)).left).toEqual([]);
    expect(namesEntry('boxes', boxes(31)).left).toEqual(['h'.repeat(31)]);
    expect(namesEntry('boxes', boxes(32)).left).toEqual(['h'.repeat(32)]);
    expect(namesEntry('people', ['Anna', 'Ben']).value).toBe('Anna,Ben');
  });

  it('refuses an entry with a bad name, a name twice, too many names, or more than a TXT string', () => {
    expect(namesOf('boxes', undefined)).toBeNull();
    expect(namesOf('boxes', 'upstairs,basement')).toEqual(['upstairs', 'basement']);
    expect(namesOf('people', "Anna,O'Brien,J. Smith")).toEqual(['Anna', "O'Brien", 'J. Smith']);
    for (const bad of [
      '',
      'upstairs,',
      'up/stairs',
      "O'Brien",
      ' upstairs',
      'two  spaces',
      'upstairs,Upstairs',
      'x'.repeat(33),
      'a,b,c,d,e,f,g,h,i',
      'a\u0000b',
    ]) {
      expect(namesOf('boxes', bad)).toEqual([]);
    }
    expect(namesOf('people', Array.from({ length: 13 }, (_, i) => `p${i}`).join(','))).toEqual([]);
    // Longer than a TXT string holds: only a forged record (or a decoder of its own) could say it.
    expect(namesOf('people', Array.from({ length: 12 }, () => 'x'.repeat(31)).join(','))).toEqual([]);
  });

  const service = { name: 'hall-1234', port: 5301, referer: { address: '192.168.1.7' }, addresses: [] };
  const interfaces = () => ({});
  const OURS = { impl: 'cat-litter-reminder-ts', proto: '1' };

  it('our record carries them beside the keys it always had, which keep their meaning', () => {
    const txt = txtRecord(5380, DEFAULT_THRESHOLDS, { boxes: ['upstairs', 'litter box'], people: ['Anna'] });
    expect(txt).toEqual({
      ...OURS,
      http: '5380',
      levels: '8h,12h,24h,26h',
      boxes: 'upstairs,litter box',
      people: 'Anna',
    });
    expect(txtRecord(5380, DEFAULT_THRESHOLDS)).not.toHaveProperty('boxes');
    expect(txtRecord(5380, DEFAULT_THRESHOLDS, { boxes: ['litter box'] })).not.toHaveProperty('people');
  });

  it('a peer of ours says its boxes and names; an earlier one and an original say nothing; a bad entry, no names', () => {
    const describe = (txt: Record<string, unknown>) => describePeer({ ...service, txt }, 5300, interfaces);
    expect(describe({ ...OURS, boxes: 'upstairs', people: Buffer.from('Ben,Cleo') })).toMatchObject({
      boxes: ['upstairs'],
      people: ['Ben', 'Cleo'],
    });
    expect(describe(OURS)).not.toHaveProperty('boxes');
    expect(describe(OURS)).not.toHaveProperty('people');
    // An original's TXT (there is none; a stranger's without our marker) means nothing.
    expect(describe({ boxes: 'upstairs', people: 'Ben' })).not.toHaveProperty('boxes');
    expect(describe({ ...OURS, boxes: 'up/stairs', people: 'x'.repeat(300) })).toMatchObject({
      boxes: [],
      people: [],
    });
  });
});
