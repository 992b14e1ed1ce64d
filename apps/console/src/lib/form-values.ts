/**
 * Parses `key=value` pairs separated by commas or new lines (`team=payments, env=prod`).
 * Throws a readable Error for a pair without `=` or an empty key.
 */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const part of text.split(/[,\n]/)) {
    const pair = part.trim();
    if (!pair) continue;
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`"${pair}" is not key=value`);
    labels[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return labels;
}

/** A local `datetime-local` value as an ISO 8601 time in UTC, or undefined when empty. */
export function localTimeToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`"${value}" is not a time`);
  return date.toISOString();
}
