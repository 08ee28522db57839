// Pure: renders rows of text as an aligned plain-text table (header, then one line per row),
// for terminals and logs. Cells are not wrapped; the last column is not padded.

export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, col) => Math.max(width(h), ...rows.map((r) => width(r[col] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, col) => (col === cells.length - 1 ? cell : cell + ' '.repeat(widths[col]! - width(cell))))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map((r) => line(headers.map((_, col) => r[col] ?? '')))].join('\n') + '\n';
}

/** Display width: code points, so `→` or `…` count as one column. */
function width(text: string): number {
  return [...text].length;
}
