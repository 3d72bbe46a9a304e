import { LEVEL_COLOURS, type Level } from '../../common/levels';
import { renderBlocks } from '../../hardware/terminal-text';
import { printable } from './printable';

/** One row of a table a person reads at a glance: its cells, and the level its colour blocks show (null: none). */
export interface LevelRow {
  level: Level | null;
  cells: string[];
}

/**
 * Columns padded to their widest cell, two spaces apart; with `colour`, each row begins
 * with its level's colour as two blocks (the header and a row without a level, with room).
 * Cells come from the network (names): their control characters are printed escaped.
 */
export function levelTable(header: string[], unsafeRows: readonly LevelRow[], colour: boolean): string {
  const rows = unsafeRows.map((row) => ({ ...row, cells: row.cells.map(printable) }));
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row.cells[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const noBlock = colour ? ' '.repeat(6) : '';
  const block = (level: Level | null) => (colour && level ? `${renderBlocks(LEVEL_COLOURS[level], 2)}  ` : noBlock);
  return [`${noBlock}${line(header)}`, ...rows.map((row) => `${block(row.level)}${line(row.cells)}`)].join('\n');
}
