// Pure: renders rows of text as an aligned plain-text table (header, then one line per row),
// for terminals and logs. Cells are not wrapped; the last column is not padded. Cells hold
// names from outside (asset names, tags): each is made printable, so a row stays one line.

import { printable } from '../util/printable.js';

export function renderTable(headers: string[], rawRows: string[][]): string {
  const rows = rawRows.map((r) => r.map(printable));
  const widths = headers.map((h, col) => Math.max(width(h), ...rows.map((r) => width(r[col] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, col) => (col === cells.length - 1 ? cell : cell + ' '.repeat(widths[col]! - width(cell))))
      .join('  ')
      .trimEnd();
  return `${[line(headers), ...rows.map((r) => line(headers.map((_, col) => r[col] ?? '')))].join('\n')}\n`;
}

/** Display width: code points, so `→` or `…` count as one column. */
function width(text: string): number {
  return [...text].length;
}
