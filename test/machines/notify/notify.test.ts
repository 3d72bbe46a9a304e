import { createActor, SimulatedClock } from 'xstate';
import type { Level } from '../../../common/levels';
import type { Notice, Notified } from '../../../machines/notify/notices';
import { notifyMachine } from '../../../machines/notify/notify-machine';
import type { QuietHours } from '../../../machines/reminder/quiet-hours';
import { HOUR, MINUTE, NOON, SECOND, advance } from '../../support/time';

// 2026-01-15 12:00 UTC: noon, outside quiet hours.
const SETTLE = 15 * SECOND;

function startNotify(
  options: { quietHours?: QuietHours | null; notified?: Notified | null; levels?: Level[]; repeatMs?: number } = {},
) {
  const clock = new SimulatedClock();
  clock.set(NOON);
  const actor = createActor(notifyMachine, {
    clock,
    input: {
      levels: options.levels ?? ['now', 'overdue'],
      repeatMs: options.repeatMs ?? 4 * HOUR,
      quietHours: options.quietHours ?? null,
      timeZone: 'UTC',
      clock,
      notified: options.notified ?? null,
    },
  });
  const sent: { at: number; notice: Notice }[] = [];
  const noted: (Notified | null)[] = [];
  actor.on('notify.send', ({ notice }) => sent.push({ at: clock.now(), notice }));
  actor.on('notify.noted', ({ notified }) => noted.push(notified));
  // When the sender was asked what it told, and when every node with targets was.
  const asked: number[] = [];
  const recalled: number[] = [];
  actor.on('notify.ask', () => asked.push(clock.now()));
  actor.on('notify.recall', () => recalled.push(clock.now()));
  actor.start();
  const view = (lastCleaned: number | null, level: Level) => actor.send({ type: 'notify.view', lastCleaned, level });
  const sender = (is: boolean) => actor.send({ type: 'notify.sender', sender: is });
  const told = (notified: Notified | null) => actor.send({ type: 'notify.told', told: notified });
  const gone = () => actor.send({ type: 'notify.gone' });
  const kinds = () =>
    sent.map(({ notice }) => (notice.kind === 'level' ? `${notice.level}${notice.repeat ? ' again' : ''}` : 'cleaned'));
  return { actor, clock, sent, noted, asked, recalled, view, sender, told, gone, kinds };
}

describe('notify machine', () => {
  it('tells of each level of notify.levels once, as the box reaches it, and not of the others', () => {
    const { clock, view, sender, kinds } = startNotify();
    sender(true);
    advance(clock, SETTLE);
    const cleaned = NOON - 10 * HOUR;
    view(cleaned, 'settled');
    view(cleaned, 'soon');
    expect(kinds()).toEqual([]);
    view(cleaned, 'now');
    view(cleaned, 'now');
    expect(kinds()).toEqual(['now']);
    view(cleaned, 'overdue');
    expect(kinds()).toEqual(['now', 'overdue']);
  });

  it('tells again every notify.repeat while the box stays overdue, and no more once cleaned', () => {
    const { clock, view, sender, sent, kinds } = startNotify({ repeatMs: 4 * HOUR });
    sender(true);
    advance(clock, SETTLE);
    const cleaned = NOON - 27 * HOUR;
    view(cleaned, 'overdue');
    const first = clock.now();
    advance(clock, 9 * HOUR);
    expect(kinds()).toEqual(['overdue', 'overdue again', 'overdue again']);
    expect(sent.map(({ at }) => at - first)).toEqual([0, 4 * HOUR, 8 * HOUR]);
    view(clock.now(), 'fresh');
    advance(clock, 9 * HOUR);
    expect(kinds()).toEqual(['overdue', 'overdue again', 'overdue again', 'cleaned']);
  });

  it('sends one "cleaned" after a notification, for the episode it ends; none after a wait nobody was told of', () => {
    const { clock, view, sender, sent } = startNotify();
    sender(true);
    advance(clock, SETTLE);
    view(NOON - 5 * HOUR, 'fresh');
    view(clock.now(), 'fresh');
    expect(sent).toEqual([]);
    const late = NOON - 25 * HOUR;
    view(late, 'now');
    view(clock.now(), 'fresh');
    view(clock.now(), 'fresh');
    expect(sent.map(({ notice }) => notice)).toEqual([
      { kind: 'level', level: 'now', lastCleaned: late, repeat: false },
      { kind: 'cleaned', lastCleaned: clock.now(), episode: late },
    ]);
  });

  it('takes a new time shown with the level before it (the reminder tells the level after) for no new level', () => {
    const { clock, view, sender, kinds } = startNotify();
    sender(true);
    advance(clock, SETTLE);
    view(NOON - 25 * HOUR, 'now');
    view(clock.now(), 'now');
    view(clock.now(), 'fresh');
    expect(kinds()).toEqual(['now', 'cleaned']);
  });

  it('holds what is due in quiet hours until they end, then sends the latest once', () => {
    const { clock, view, sender, sent, kinds } = startNotify({
      quietHours: { start: 13 * 60, end: 15 * 60 },
      repeatMs: 30 * MINUTE,
    });
    sender(true);
    advance(clock, SETTLE);
    advance(clock, HOUR); // 13:00:15, quiet
    const cleaned = clock.now() - 25 * HOUR;
    view(cleaned, 'now');
    view(cleaned, 'overdue');
    advance(clock, HOUR);
    expect(kinds()).toEqual([]);
    advance(clock, HOUR);
    expect(kinds()).toEqual(['overdue again']);
    expect(new Date(sent[0].at).toISOString()).toBe('2026-01-15T15:00:00.000Z');
  });

  it('drops what quiet hours held when the box is cleaned meanwhile: nothing to say, no "cleaned"', () => {
    const { clock, view, sender, kinds } = startNotify({ quietHours: { start: 11 * 60, end: 14 * 60 } });
    sender(true);
    advance(clock, SETTLE);
    view(NOON - 25 * HOUR, 'now');
    advance(clock, HOUR);
    view(clock.now(), 'fresh');
    advance(clock, 3 * HOUR);
    expect(kinds()).toEqual([]);
  });

  it('sends nothing it is not the sender of; what it owed goes out if it becomes the sender within the hand-over', () => {
    const { clock, view, sender, kinds } = startNotify();
    sender(false);
    advance(clock, SETTLE);
    const cleaned = NOON - 25 * HOUR;
    view(cleaned, 'now');
    expect(kinds()).toEqual([]);
    advance(clock, 30 * SECOND);
    sender(true); // the sender went silent
    expect(kinds()).toEqual(['now']);
    // The cleaning that follows: this node sends its "cleaned".
    view(clock.now(), 'fresh');
    expect(kinds()).toEqual(['now', 'cleaned']);
  });

  it('forgets what it owed when the sender stayed past the hand-over: it sent it', () => {
    const { clock, view, sender, kinds } = startNotify();
    sender(false);
    advance(clock, SETTLE);
    const cleaned = NOON - 25 * HOUR;
    view(cleaned, 'now');
    advance(clock, 2 * MINUTE);
    sender(true);
    expect(kinds()).toEqual([]);
    // It knows the household was told: the cleaning is told of, by this node now.
    view(clock.now(), 'fresh');
    expect(kinds()).toEqual(['cleaned']);
  });

  it('sends nothing before the household is known at the start, then what is due, once', () => {
    const { clock, view, sender, kinds } = startNotify();
    view(NOON - 25 * HOUR, 'now');
    sender(true);
    expect(kinds()).toEqual([]);
    advance(clock, SETTLE);
    expect(kinds()).toEqual(['now']);
  });

  it('does not tell again after a restart what it told before; the repeat counts from then', () => {
    const cleaned = NOON - 30 * HOUR;
    const { clock, view, sender, sent, kinds } = startNotify({
      notified: { episode: cleaned, level: 'overdue', at: NOON - HOUR },
      repeatMs: 4 * HOUR,
    });
    sender(true);
    view(cleaned, 'overdue');
    advance(clock, SETTLE);
    expect(kinds()).toEqual([]);
    advance(clock, 3 * HOUR);
    expect(kinds()).toEqual(['overdue again']);
    expect(sent[0].at).toBe(NOON + 3 * HOUR);
  });

  it('tells of a cleaning made while it was down, after the start: the episode it was told of has ended', () => {
    const { clock, view, sender, kinds, noted } = startNotify({
      notified: { episode: NOON - 30 * HOUR, level: 'overdue', at: NOON - 5 * HOUR },
    });
    sender(true);
    view(NOON - 2 * HOUR, 'fresh');
    advance(clock, SETTLE);
    expect(kinds()).toEqual(['cleaned']);
    expect(noted).toEqual([null]);
  });

  describe('the hand-over: the sender asked, not waited for', () => {
    it('asks the sender 5 s after a notice falls due, and sends it when the sender does not answer', () => {
      const { clock, view, sender, gone, asked, sent, kinds } = startNotify();
      sender(false);
      advance(clock, SETTLE);
      const due = clock.now();
      view(NOON - 25 * HOUR, 'now');
      advance(clock, 5 * SECOND);
      expect(asked).toEqual([due + 5 * SECOND]);
      expect(kinds()).toEqual([]);
      gone(); // refused: the sender was killed
      expect(kinds()).toEqual(['now']);
      expect(sent[0].at - due).toBe(5 * SECOND);
      // The next one too, while the repair rounds have not found the sender silent yet.
      view(clock.now(), 'fresh');
      advance(clock, 5 * SECOND);
      expect(asked).toHaveLength(2);
      gone();
      expect(kinds()).toEqual(['now', 'cleaned']);
    });

    it('sends nothing the sender says it told; asks again while it has not told it yet', () => {
      const { clock, view, sender, told, asked, noted, kinds } = startNotify();
      sender(false);
      advance(clock, SETTLE);
      const cleaned = NOON - 25 * HOUR;
      view(cleaned, 'now');
      advance(clock, 5 * SECOND);
      // Its clock is behind: not told yet.
      told(null);
      advance(clock, 5 * SECOND);
      expect(asked).toHaveLength(2);
      const byTheSender = { episode: cleaned, level: 'now' as const, at: clock.now() - 2 * SECOND };
      told(byTheSender);
      advance(clock, 5 * MINUTE);
      expect(asked).toHaveLength(2);
      expect(kinds()).toEqual([]);
      // Its record is the household's: kept here, as a restart would read it.
      expect(noted.at(-1)).toEqual(byTheSender);
    });

    it('a repeat is told when the sender told it within the last half repeat, not by the one before', () => {
      const { clock, view, sender, told, asked, kinds } = startNotify({ repeatMs: HOUR });
      sender(false);
      advance(clock, SETTLE);
      const cleaned = NOON - 27 * HOUR;
      view(cleaned, 'overdue');
      const first = clock.now();
      advance(clock, 5 * SECOND);
      told({ episode: cleaned, level: 'overdue', at: first });
      advance(clock, HOUR);
      expect(asked).toHaveLength(2);
      told({ episode: cleaned, level: 'overdue', at: first }); // the one before: not this repeat
      expect(kinds()).toEqual([]);
      advance(clock, 5 * SECOND);
      told({ episode: cleaned, level: 'overdue', at: first + HOUR });
      advance(clock, 10 * MINUTE);
      expect(asked).toHaveLength(3);
      expect(kinds()).toEqual([]);
    });

    it('asks again every 5 s while the sender cannot be asked (no page); sends when the rounds find it silent', () => {
      const { actor, clock, view, sender, asked, kinds } = startNotify();
      // Answered at once, from within the ask, as the notifier does when the sender serves no page.
      actor.on('notify.ask', () => actor.send({ type: 'notify.unclear' }));
      sender(false);
      advance(clock, SETTLE);
      const due = clock.now();
      view(NOON - 25 * HOUR, 'now');
      advance(clock, 20 * SECOND);
      expect(asked.map((at) => at - due)).toEqual([5, 10, 15, 20].map((s) => s * SECOND));
      sender(true);
      expect(kinds()).toEqual(['now']);
    });

    it('takes over at once from a sender that leaves (its goodbye makes this node the sender)', () => {
      const { clock, view, sender, asked, kinds } = startNotify();
      sender(false);
      advance(clock, SETTLE);
      view(NOON - 25 * HOUR, 'now');
      advance(clock, SECOND);
      sender(true);
      expect(kinds()).toEqual(['now']);
      advance(clock, MINUTE);
      expect(asked).toEqual([]);
    });
  });

  describe('what the household was told, from the others', () => {
    it('asks the nodes with targets at the start, and tells nothing again that one of them told (a lost file)', () => {
      const cleaned = NOON - 30 * HOUR;
      const { clock, view, sender, told, recalled, sent, kinds } = startNotify({ repeatMs: 4 * HOUR });
      sender(true);
      view(cleaned, 'overdue');
      advance(clock, 9 * SECOND);
      expect(recalled).toEqual([NOON + 9 * SECOND]);
      told({ episode: cleaned, level: 'overdue', at: NOON - HOUR });
      advance(clock, SETTLE);
      expect(kinds()).toEqual([]);
      // The repeat counts from when it was told.
      advance(clock, 3 * HOUR);
      expect(kinds()).toEqual(['overdue again']);
      expect(sent[0].at).toBe(NOON + 3 * HOUR);
    });

    it('tells what fell due while the whole household started (a power cut): none says it told what none sent', () => {
      const cleaned = NOON - 25 * HOUR;
      const kitchen = startNotify();
      const hall = startNotify();
      kitchen.sender(true);
      hall.sender(false);
      kitchen.view(cleaned, 'now');
      hall.view(cleaned, 'now');
      // 9 s in, each asks the other what it told (GET /api/notified): its last word, or its file's (none here).
      advance(kitchen.clock, 9 * SECOND);
      advance(hall.clock, 9 * SECOND);
      expect(kitchen.noted).toEqual([]);
      expect(hall.noted).toEqual([]);
      kitchen.told(hall.noted.at(-1) ?? null);
      hall.told(kitchen.noted.at(-1) ?? null);
      advance(kitchen.clock, SETTLE);
      advance(hall.clock, SETTLE);
      expect(kitchen.kinds()).toEqual(['now']);
      expect(kitchen.noted).toEqual([{ episode: cleaned, level: 'now', at: NOON + SETTLE }]);
      // The other node owes it and asks the sender, which says it told it: nothing twice.
      hall.told(kitchen.noted.at(-1) ?? null);
      advance(hall.clock, MINUTE);
      expect(hall.kinds()).toEqual([]);
    });

    it('keeps its own word over one about an older wait, a lower level, or nothing', () => {
      const cleaned = NOON - 30 * HOUR;
      const mine = { episode: cleaned, level: 'overdue' as const, at: NOON - HOUR };
      const { clock, view, sender, told, noted, kinds } = startNotify({ notified: mine });
      sender(true);
      view(cleaned, 'overdue');
      told(null);
      told({ episode: cleaned - HOUR, level: 'overdue', at: NOON - 2 * HOUR });
      told({ episode: cleaned, level: 'now', at: NOON - 3 * HOUR });
      advance(clock, SETTLE);
      expect(noted).toEqual([]);
      expect(kinds()).toEqual([]);
    });
  });
});
