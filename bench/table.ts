// The benches' tables: cells right-aligned in columns as wide as their widest cell.
export function tableLines(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((cell, i) => cell.padStart(widths[i])).join('  '));
}
