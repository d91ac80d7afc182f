/** Plain-text tables for the terminal. */

export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], maxWidths: readonly number[] = []): string {
  const clip = (text: string, column: number) => {
    const max = maxWidths[column];
    return max && text.length > max ? `${text.slice(0, max - 1)}…` : text;
  };
  const cells = [headers, ...rows].map((row) => row.map((cell, column) => clip(cell, column)));
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const [head, ...body] = cells;
  return [line(head ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
