import { DEFAULT_THRESHOLDS } from '../../machines/reminder/levels';
import { boxGroups, type PageTimes } from '../../src/cluster/box-status';
import type { HouseholdNode } from '../../src/cluster/household-probe';
import { nodeStatuses } from '../../src/cluster/household-status';
import { statusJson, statusTable } from '../../src/commands/status-report';
import { NOON } from '../support/web-harness';
import { HOUR, MINUTE } from '../support/time';

/*
 * Issue 25: `status` groups the nodes by the boxes they show (TXT `boxes=`; an original, an
 * earlier node and a --peer show the default box) and shows each box's time: the default box's
 * as each node answered over UDP, another box's as each node's page said it.
 */

const node = (name: string, address: string, boxes?: string[]): HouseholdNode => ({
  name,
  address,
  port: 5300,
  http: boxes ? 5380 : null,
  levels: null,
  ...(boxes ? { boxes } : {}),
});
const NODES = [
  node('hall', '10.0.0.2', ['upstairs']),
  node('attic', '10.0.0.3', ['upstairs', 'litter box']),
  node('rust', '10.0.0.4'),
  node('cellar', '10.0.0.5', ['basement']),
];
// Over UDP: the default box's time (a node of another box answers with it, or with none).
const ANSWERS = new Map<string, number | null>([
  ['10.0.0.2:5300', NOON - 3 * HOUR],
  ['10.0.0.3:5300', NOON - 3 * HOUR],
  ['10.0.0.4:5300', NOON - 3 * HOUR],
  ['10.0.0.5:5300', null],
]);
// What their pages said of their own boxes; the cellar's page did not answer.
const PAGES: PageTimes = new Map([
  ['10.0.0.2:5300', new Map([['upstairs', NOON - 10 * MINUTE]])],
  ['10.0.0.3:5300', new Map([['upstairs', NOON - 2 * HOUR]])],
]);

describe('status by box', () => {
  const statuses = nodeStatuses(NODES, ANSWERS, NOON, DEFAULT_THRESHOLDS);
  const groups = boxGroups(statuses, PAGES, NOON, DEFAULT_THRESHOLDS);

  it('groups the nodes under every box they show, the default box first, each box with its newest time', () => {
    expect(
      groups.map((group) => ({
        box: group.box,
        lastCleaned: group.lastCleaned,
        rows: group.rows.map((row) => [row.node.name, row.answered, row.lastCleaned, row.disagrees]),
      })),
    ).toEqual([
      {
        box: 'litter box',
        lastCleaned: NOON - 3 * HOUR,
        rows: [
          ['attic', true, NOON - 3 * HOUR, false],
          ['rust', true, NOON - 3 * HOUR, false],
        ],
      },
      { box: 'basement', lastCleaned: null, rows: [['cellar', false, null, false]] },
      {
        box: 'upstairs',
        lastCleaned: NOON - 10 * MINUTE,
        rows: [
          ['attic', true, NOON - 2 * HOUR, true],
          ['hall', true, NOON - 10 * MINUTE, false],
        ],
      },
    ]);
  });

  it("prints each box with its time above its nodes' table", () => {
    const table = statusTable(groups, NOON, DEFAULT_THRESHOLDS, 'UTC', false);
    const blocks = table.split('\n\n');
    expect(blocks.map((block) => block.split('\n')[0])).toEqual([
      expect.stringMatching(/^litter box: last cleaned 2026-01-15 09:00, 3 h 0 min ago$/),
      'basement: last cleaned unknown',
      expect.stringMatching(/^upstairs: last cleaned 2026-01-15 11:50, 10 min ago$/),
    ]);
    expect(blocks[1]).toMatch(/\ncellar\s+10\.0\.0\.5:5300\s+no answer\s+unreachable$/);
    expect(blocks[2].split('\n').find((line) => line.startsWith('attic'))).toContain('≠ newest');
  });

  it('prints a household of the default box alone as before boxes: one table, no heading', () => {
    const alone = boxGroups(
      nodeStatuses([node('rust', '10.0.0.4')], ANSWERS, NOON, DEFAULT_THRESHOLDS),
      new Map(),
      NOON,
      DEFAULT_THRESHOLDS,
    );
    expect(statusTable(alone, NOON, DEFAULT_THRESHOLDS, 'UTC', false).split('\n')[0]).toMatch(/^NAME\s+ADDRESS/);
  });

  it('keeps every field of --json and adds each node’s time of each box it shows', () => {
    const objects = JSON.parse(statusJson(statuses, NOON, DEFAULT_THRESHOLDS, groups)) as Record<string, unknown>[];
    expect(objects.find((object) => object.name === 'attic')).toEqual({
      name: 'attic',
      address: '10.0.0.3',
      port: 5300,
      lastCleaned: '2026-01-15T09:00:00+00:00',
      ageSeconds: 3 * 3600,
      level: 'fresh',
      boxes: [
        { box: 'upstairs', lastCleaned: '2026-01-15T10:00:00+00:00', ageSeconds: 2 * 3600, level: 'fresh' },
        { box: 'litter box', lastCleaned: '2026-01-15T09:00:00+00:00', ageSeconds: 3 * 3600, level: 'fresh' },
      ],
    });
    expect(objects.find((object) => object.name === 'cellar')).toMatchObject({
      // It answered over UDP that it knows no time of the default box: as before.
      lastCleaned: null,
      level: 'unknown',
      boxes: [{ box: 'basement', lastCleaned: null, ageSeconds: null, level: 'unreachable' }],
    });
  });
});
