import { DEFAULT_THRESHOLDS } from '../../machines/reminder/levels';
import { historyTable } from '../../src/commands/history-report';
import { printable } from '../../src/commands/printable';
import { nodeStatuses, statusObjects } from '../../src/cluster/household-status';
import { statusTable } from '../../src/commands/status-report';
import { boxGroups } from '../../src/cluster/box-status';
import { householdJson } from '../../src/web/household-json';
import { NOON, peer, viewOf } from '../support/web-harness';
import { HOUR } from '../support/time';

/** What the issue saw printed: a window title, a bell, a cleared screen. */
const HOSTILE = '\u001b]0;PWNED\u0007\u001b[2Jhall';

describe('what the commands print of what the network says', () => {
  it('writes out every control character as an escape', () => {
    expect(printable(HOSTILE)).toBe('\\x1b]0;PWNED\\x07\\x1b[2Jhall');
    expect(printable('a\u009bb\u007fc\u202ed')).toBe('a\\x9bb\\x7fc\\u202ed');
    expect(printable('kitchen-3f2a · küche')).toBe('kitchen-3f2a · küche');
  });

  it('prints a node name of the history with its control characters escaped', () => {
    const cleanings = [
      { at: NOON - 30 * HOUR, source: 'button' as const, node: 'kitchen-3f2a' },
      { at: NOON - HOUR, source: 'web' as const, node: HOSTILE },
    ];
    const table = historyTable(cleanings, 10, 'UTC', true, DEFAULT_THRESHOLDS);
    // The colour blocks are ours (ESC [ … m); nothing the network said reaches the terminal as a control.
    // eslint-disable-next-line no-control-regex -- control characters are what it looks for
    expect(table.replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(table).toContain('\\x1b]0;PWNED\\x07\\x1b[2Jhall');
  });

  it('prints the names of status escaped, and never a negative age for a peer ahead of us', () => {
    const statuses = nodeStatuses(
      [{ name: HOSTILE, address: '10.0.0.3', port: 5300, http: null, levels: null }],
      new Map([['10.0.0.3:5300', NOON + 5 * 60_000]]),
      NOON,
      DEFAULT_THRESHOLDS,
    );
    const groups = boxGroups(statuses, new Map(), NOON, DEFAULT_THRESHOLDS);
    expect(statusTable(groups, NOON, DEFAULT_THRESHOLDS, 'UTC', false)).not.toContain('\u001b');
    expect(statusObjects(statuses, NOON, DEFAULT_THRESHOLDS)[0].ageSeconds).toBe(0);
    const household = householdJson(
      viewOf({ peers: [peer({ said: NOON + 5 * 60_000 })] }),
      { address: '10.0.0.2', port: 5300 },
      NOON,
    );
    expect(household.map((entry) => entry.ageSeconds)).toEqual([3600, 0]);
  });
});
