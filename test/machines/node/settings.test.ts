import { SimulatedClock } from 'xstate';
import { displayMachine } from '../../../machines/reminder/display-machine';
import { DEFAULT_THRESHOLDS } from '../../../machines/reminder/levels';
import type { QuietHours } from '../../../machines/reminder/quiet-hours';
import { reminderMachine } from '../../../machines/reminder/reminder-machine';
import { parseLevels } from '../../../src/settings/levels-setting';
import { nodeHarness, settle } from '../../support/node-harness';
import { stripRecorder } from '../../support/strip-recorder';
import { HOUR, MINUTE, NOON, advance } from '../../support/time';
import { underParent } from '../../support/under-parent';
import { TestWallClock } from '../../support/wall-clock';

const COLOURS = { fresh: '#003c00', settled: '#001400', soon: '#ff3c00', now: '#ff0000' };
const THREE_CATS = parseLevels('1h,2h,3h,4h');

function startReminder(
  lastCleaned: number | null,
  thresholds = DEFAULT_THRESHOLDS,
  quietHours: QuietHours | null = null,
) {
  const scheduler = new SimulatedClock();
  scheduler.set(NOON);
  const wall = new TestWallClock(scheduler);
  const strip = stripRecorder(wall);
  const machine = reminderMachine.provide({
    actors: { display: displayMachine.provide({ actors: { strip: strip.actor } }) },
  });
  const { child, reports } = underParent(
    machine,
    { lastCleaned, thresholds, quietHours, timeZone: 'UTC', clock: wall },
    scheduler,
  );
  const levels = () => reports.filter((report) => report.type === 'reminder.level').map((report) => report.level);
  return { reminder: child, scheduler, strip, levels, reports };
}

/** The frames as the LEDs show them: a repeated colour is no new frame. */
const frames = (shown: readonly string[]) => shown.filter((colour, i) => shown[i - 1] !== colour);

describe('levels a household sets', () => {
  it('gives the colours of 1h/2h/3h/4h at those ages, and blinks from 4 h', () => {
    const { scheduler, strip, levels } = startReminder(NOON, THREE_CATS);
    const at = (hours: number) => {
      advance(scheduler, NOON + hours * HOUR - scheduler.now());
      return strip.current();
    };
    expect(at(0.99)).toBe(COLOURS.fresh);
    expect(at(1.01)).toBe(COLOURS.settled);
    expect(at(2.01)).toBe(COLOURS.soon);
    expect(at(3.01)).toBe(COLOURS.now);
    at(4.01);
    expect(levels()).toEqual(['fresh', 'settled', 'soon', 'now', 'overdue']);
    expect(frames(strip.shown).slice(4, 6)).toEqual(['#000000', '#ff0000']);
  });

  it('takes new levels at once: a cleaning 90 minutes ago turns from fresh to settled, and the timers follow them', () => {
    const { reminder, scheduler, strip, levels } = startReminder(NOON - 90 * MINUTE);
    expect(levels()).toEqual(['fresh']);
    reminder.send({ type: 'reminder.settings', thresholds: THREE_CATS, quietHours: null, timeZone: 'UTC' });
    expect(levels()).toEqual(['fresh', 'settled']);
    expect(strip.current()).toBe(COLOURS.settled);
    advance(scheduler, 31 * MINUTE);
    expect(levels()).toEqual(['fresh', 'settled', 'soon']);
  });

  it('says nothing, and shows no new frame, when new levels keep the level', () => {
    const { reminder, strip, levels } = startReminder(NOON - 10 * MINUTE);
    reminder.send({ type: 'reminder.settings', thresholds: THREE_CATS, quietHours: null, timeZone: 'UTC' });
    expect(levels()).toEqual(['fresh']);
    expect(frames(strip.shown)).toEqual([COLOURS.fresh]);
  });

  it('darkens the strip at once when new quiet hours begin now, and lights it when they are turned off', () => {
    const { reminder, strip, reports } = startReminder(NOON - 10 * MINUTE);
    reminder.send({
      type: 'reminder.settings',
      thresholds: DEFAULT_THRESHOLDS,
      quietHours: { start: 11 * 60, end: 13 * 60 },
      timeZone: 'UTC',
    });
    expect(strip.current()).toBe('#000000');
    reminder.send({ type: 'reminder.settings', thresholds: DEFAULT_THRESHOLDS, quietHours: null, timeZone: 'UTC' });
    expect(strip.current()).toBe(COLOURS.fresh);
    expect(reports.filter((report) => report.type === 'display.quiet')).toEqual([
      { type: 'display.quiet', quiet: false },
      { type: 'display.quiet', quiet: true },
      { type: 'display.quiet', quiet: false },
    ]);
  });

  it('changes nothing once stopped: the strip stays dark', () => {
    const { reminder, strip } = startReminder(NOON - 10 * MINUTE);
    reminder.send({ type: 'SHUTDOWN' });
    reminder.send({ type: 'reminder.settings', thresholds: THREE_CATS, quietHours: null, timeZone: 'UTC' });
    expect(strip.current()).toBe('#000000');
  });
});

describe('the node, its configuration reloaded', () => {
  it('passes new levels and quiet hours to the reminder, its peers to the cluster, and shows the levels in its view', async () => {
    const node = nodeHarness([{ address: '10.0.0.2', port: 5300 }]);
    node.load.resolve?.(NOON - HOUR);
    await settle();
    node.sent.length = 0;
    const quietHours = { start: 22 * 60, end: 6 * 60 };
    const peers = [{ address: '10.0.0.3', port: 5300 }];
    node.actor.send({ type: 'settings.changed', thresholds: THREE_CATS, quietHours, timeZone: 'Europe/Vienna', peers });
    expect(node.heard()).toContainEqual({
      type: 'reminder.settings',
      thresholds: THREE_CATS,
      quietHours,
      timeZone: 'Europe/Vienna',
    });
    expect(node.sent).toContainEqual({ type: 'transport.request', to: peers[0] });
    expect(node.views().at(-1)?.thresholds).toEqual(THREE_CATS);
    advance(node.clock, 20);
    const view = node.views().at(-1);
    expect(view?.thresholds).toEqual(THREE_CATS);
    expect(view?.peers.map((peer) => peer.address)).toEqual(['10.0.0.3']);
  });

  it('takes a peer mDNS found as given once the configuration lists it: its goodbye then keeps it', async () => {
    const node = nodeHarness([]);
    node.load.resolve?.(NOON - HOUR);
    await settle();
    const hall = { name: 'hall', address: '10.0.0.3', port: 5300, ours: true, http: 5380 };
    node.found(hall);
    node.actor.send({
      type: 'settings.changed',
      thresholds: DEFAULT_THRESHOLDS,
      quietHours: null,
      timeZone: 'UTC',
      peers: [hall],
    });
    node.child('cluster').send({ type: 'peer.lost', peer: hall });
    advance(node.clock, 20);
    expect(
      node
        .views()
        .at(-1)
        ?.peers.map((peer) => peer.address),
    ).toEqual(['10.0.0.3']);
  });
});
