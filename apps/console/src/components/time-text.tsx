const FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A time from the API (ISO 8601), shown in the reader's locale and zone; the exact value stays in the markup. */
export function TimeText({ value }: { readonly value: string | null | undefined }) {
  if (!value) return <span>—</span>;
  const date = new Date(value);
  return <time dateTime={value}>{Number.isNaN(date.getTime()) ? value : FORMAT.format(date)}</time>;
}
