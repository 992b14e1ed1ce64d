/** A cell as printed: null and undefined as `-`, everything else as its string. */
function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  return String(value);
}

/**
 * Formats rows as left-aligned columns, separated by two spaces, under an upper-case header.
 * Hand-written on purpose: the operator commands need nothing more.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const texts = rows.map((row) => headers.map((_, i) => cell(row[i])));
  const widths = headers.map((header, i) => Math.max(header.length, ...texts.map((row) => row[i]!.length)));
  const line = (values: readonly string[]) => values.map((value, i) => (i === values.length - 1 ? value : value.padEnd(widths[i]!))).join('  ');
  return [line(headers.map((header) => header.toUpperCase())), ...texts.map(line)].join('\n');
}

/** `key value` lines for one object (a usage report, an issued key). */
export function formatFields(fields: readonly (readonly [string, unknown])[]): string {
  const width = Math.max(...fields.map(([name]) => name.length));
  return fields.map(([name, value]) => `${name.padEnd(width)}  ${cell(value)}`).join('\n');
}

/** Labels as `k=v,k=v`. */
export function formatLabels(labels: Readonly<Record<string, string>> | null | undefined): string {
  return labels ? Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') : '';
}
