import type { ExportRecord } from './export-record';

/** The CSV columns, in order; `data` and `metadata` are JSON cells. */
export const CSV_COLUMNS = [
  'seq',
  'position',
  'stream',
  'revision',
  'eventId',
  'type',
  'actor',
  'prevHash',
  'hash',
  'chain',
  'data',
  'metadata',
] as const;

/** The header line of a CSV export (CRLF-terminated, as RFC 4180 says). */
export const CSV_HEADER = `${CSV_COLUMNS.join(',')}\r\n`;

/** One record as a CSV row (CRLF-terminated). */
export function toCsvRow(record: ExportRecord): string {
  const cells = CSV_COLUMNS.map((column) => {
    const value = record[column];
    return csvField(typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value));
  });
  return `${cells.join(',')}\r\n`;
}

/** RFC 4180 quoting: a field with a comma, quote, CR or LF is quoted, and its quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The object a CSV row stands for, before schema validation: `seq` as a number, `data` and
 * `metadata` parsed from JSON. Throws SyntaxError when a JSON cell does not parse.
 */
export function fromCsvFields(fields: readonly string[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  CSV_COLUMNS.forEach((column, i) => {
    row[column] = fields[i];
  });
  row.seq = /^\d+$/.test(fields[0] ?? '') ? Number(fields[0]) : fields[0];
  row.data = JSON.parse(fields[10] ?? '');
  row.metadata = JSON.parse(fields[11] ?? '');
  return row;
}

/**
 * Incremental RFC 4180 parser: feed text in any chunks, get complete rows back. Quoted fields
 * may span chunks and lines. Accepts CRLF or LF row ends.
 */
export class CsvRowParser {
  private field = '';
  private fields: string[] = [];
  private inQuotes = false;
  /** A quote seen inside a quoted field: either an escaped quote or the field's end. */
  private quotePending = false;
  private rowStarted = false;

  /** Parses a chunk; returns the rows it completed. */
  push(text: string): string[][] {
    const rows: string[][] = [];
    for (const ch of text) {
      if (this.quotePending) {
        this.quotePending = false;
        if (ch === '"') {
          this.field += '"';
          continue;
        }
        this.inQuotes = false;
      }
      if (this.inQuotes) {
        if (ch === '"') this.quotePending = true;
        else this.field += ch;
        continue;
      }
      if (ch === '"' && this.field === '') {
        this.inQuotes = true;
        this.rowStarted = true;
      } else if (ch === ',') {
        this.endField();
      } else if (ch === '\n') {
        rows.push(this.endRow());
      } else if (ch !== '\r') {
        this.field += ch;
        this.rowStarted = true;
      }
    }
    return rows;
  }

  /** Ends the input: returns the last row when the text did not end with a line break. */
  end(): string[][] {
    this.quotePending = false;
    this.inQuotes = false;
    return this.rowStarted || this.fields.length > 0 ? [this.endRow()] : [];
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.rowStarted = true;
  }

  private endRow(): string[] {
    this.fields.push(this.field);
    const row = this.fields;
    this.fields = [];
    this.field = '';
    this.rowStarted = false;
    return row;
  }
}
