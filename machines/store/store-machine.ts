import { assign, assertEvent, enqueueActions, fromCallback, sendParent, sendTo, setup } from 'xstate';

/** Asks the store to persist a time; each is answered once, with `store.answered`. */
export type SaveCommand =
  | { type: 'store.save'; lastCleaned: number; back?: false }
  /**
   * The time held was withdrawn (an undo): this earlier one replaces it, or, when no cleaning
   * stands (null), the file is removed. The only way the file goes back; every other save only
   * moves it forward.
   */
  | { type: 'store.save'; lastCleaned: number | null; back: true };

/** A time the file holds; null: there is no file (no cleaning stands). */
type FileTime = number | null;

/**
 * The answer to one save: the time is in the file (`saved`), or its write failed and is
 * being tried again. Why the time was saved, and who waits for it, is the node's to know.
 */
export type SaveAnswer =
  | { type: 'store.answered'; lastCleaned: number; saved: boolean }
  /** The answer to a save of null: the file is gone (or could not be removed yet). */
  | { type: 'store.cleared'; saved: boolean };

const answerOf = (lastCleaned: FileTime, saved: boolean): SaveAnswer =>
  lastCleaned === null ? { type: 'store.cleared', saved } : { type: 'store.answered', lastCleaned, saved };

/** Answered with `store.idle` once nothing is being written. */
export interface FlushCommand {
  type: 'store.flush';
}

/** What the store asks of the file actor: write this time (`retry`: it failed before). */
export interface FileCommand {
  type: 'file.write';
  /** Null: remove the file. */
  lastCleaned: FileTime;
  retry: boolean;
}

export type FileReport =
  { type: 'file.written'; lastCleaned: FileTime } | { type: 'file.failed'; lastCleaned: FileTime };

export type StoreReport = SaveAnswer | { type: 'store.idle' };

interface StoreContext {
  /** What the file holds. */
  saved: FileTime;
  /** The latest time asked for: the file never goes back to an older one, but for a withdrawal. */
  wanted: FileTime;
  /** The times of the saves not answered yet, one for each. */
  waiting: FileTime[];
}

const later = (a: FileTime, b: number): number => (a === null ? b : Math.max(a, b));

/** Whether a write of `written` answers a save of `asked`: the same time, or (moving forward) a later one. */
const covers = (written: FileTime, asked: FileTime): boolean =>
  asked === null || written === null ? asked === written : asked <= written;

/** While nothing is being written: a save is written at once (at `write`); a flush finds nothing to wait for. */
function resting<Write extends string>(write: Write) {
  return {
    'store.save': [
      { guard: 'is already saved', actions: 'answer at once' },
      { target: write, actions: 'take the save' },
    ],
    'store.flush': { actions: 'report idle' },
  } as const;
}

/** While a write is under way, first or again: saves wait for it, and its end decides what follows. */
const whileWriting = {
  'store.save': [{ guard: 'is already saved', actions: 'answer at once' }, { actions: 'take the save' }],
  'file.written': [
    {
      guard: 'a later time is waiting',
      target: '#store.writing',
      reenter: true,
      actions: { type: 'answer the saves', params: { saved: true } },
    },
    { target: '#store.idle', actions: { type: 'answer the saves', params: { saved: true } } },
  ],
  'file.failed': { target: '#store.failing', actions: { type: 'answer the saves', params: { saved: false } } },
} as const;

/**
 * The state file's keeper: one write at a time, the latest time first, so that the
 * file only moves forward (but for a withdrawal: `back`) and a burst of times costs one or two writes. A write
 * that fails (a full or broken disk) is answered as failed, and tried again until it
 * works; the node meanwhile shows and tells the time it holds in memory.
 */
export const storeMachine = setup({
  types: {
    context: {} as StoreContext,
    input: {} as { saved: number | null },
    events: {} as SaveCommand | FlushCommand | FileReport,
    children: {} as { file: 'file' },
  },
  actors: {
    // The real file comes from src/ through `provide`.
    file: fromCallback<FileCommand>(() => undefined),
  },
  actions: {
    'answer at once': sendParent(({ event }): SaveAnswer => {
      assertEvent(event, 'store.save');
      return answerOf(event.lastCleaned, true);
    }),
    'take the save': assign(({ context, event }) => {
      assertEvent(event, 'store.save');
      const wanted = event.back === true ? event.lastCleaned : later(context.wanted, event.lastCleaned);
      return { wanted, waiting: [...context.waiting, event.lastCleaned] };
    }),
    // Entered only after a save was taken: `wanted` is what that save asked for (null: no file).
    'write the latest': sendTo('file', ({ context }, params: { retry: boolean }): FileCommand => ({
      type: 'file.write',
      lastCleaned: context.wanted,
      retry: params.retry,
    })),
    // Every save this write covers; one that came meanwhile, for a later time, waits for its own.
    'answer the saves': enqueueActions(({ context, event, enqueue }, params: { saved: boolean }) => {
      assertEvent(event, ['file.written', 'file.failed']);
      for (const lastCleaned of context.waiting.filter((wanted) => covers(event.lastCleaned, wanted))) {
        enqueue.sendParent(answerOf(lastCleaned, params.saved));
      }
      enqueue.assign({
        waiting: context.waiting.filter((wanted) => !covers(event.lastCleaned, wanted)),
        saved: params.saved ? event.lastCleaned : context.saved,
      });
    }),
    'report idle': sendParent({ type: 'store.idle' } satisfies StoreReport),
  },
  guards: {
    'is already saved': ({ context, event }) => {
      assertEvent(event, 'store.save');
      if (event.back === true) return event.lastCleaned === context.saved;
      return context.saved !== null && event.lastCleaned <= context.saved;
    },
    // Or an earlier one, which a withdrawal asked for while the file was being written.
    'a later time is waiting': ({ context, event }) => {
      assertEvent(event, 'file.written');
      return context.wanted !== event.lastCleaned;
    },
  },
  delays: {
    retryAfter: 3_000,
  },
}).createMachine({
  id: 'store',
  context: ({ input }) => ({ saved: input.saved, wanted: input.saved, waiting: [] }),
  invoke: { id: 'file', src: 'file' },
  initial: 'idle',
  states: {
    idle: {
      entry: 'report idle',
      on: resting('#store.writing'),
    },
    writing: {
      entry: { type: 'write the latest', params: { retry: false } },
      on: whileWriting,
    },
    // The time is kept in memory and told; the file is written again until it works.
    failing: {
      entry: 'report idle',
      initial: 'waiting',
      on: resting('#store.failing.rewriting'),
      states: {
        waiting: {
          after: { retryAfter: 'rewriting' },
        },
        rewriting: {
          entry: { type: 'write the latest', params: { retry: true } },
          on: whileWriting,
        },
      },
    },
  },
});
