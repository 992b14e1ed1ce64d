import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { CSV_COLUMNS, CsvRowParser, fromCsvFields } from './export-csv';
import type { ExportFormat } from './export-manifest';

/** One record-sized unit of an export file: its parsed value, or why it did not parse. */
export type ExportRow = { seq: number; value: unknown } | { seq: number; error: string };

/**
 * Streams an export file as rows, numbered from 1 (the CSV header is not a row), handing
 * every raw chunk to `onBytes` so the caller can hash the exact bytes in the same pass.
 */
export async function* readExportRows(
  file: string,
  format: ExportFormat,
  onBytes: (chunk: Buffer) => void,
): AsyncGenerator<ExportRow> {
  const decoder = new StringDecoder('utf8');
  const splitter = format === 'csv' ? new CsvSplitter() : new NdjsonSplitter();
  for await (const chunk of createReadStream(file)) {
    onBytes(chunk as Buffer);
    yield* splitter.push(decoder.write(chunk as Buffer));
  }
  yield* splitter.push(decoder.end());
  yield* splitter.end();
}

interface Splitter {
  push(text: string): ExportRow[];
  end(): ExportRow[];
}

class NdjsonSplitter implements Splitter {
  private rest = '';
  private seq = 0;

  push(text: string): ExportRow[] {
    const lines = (this.rest + text).split('\n');
    this.rest = lines.pop() ?? '';
    return lines.map((line) => this.row(line));
  }

  end(): ExportRow[] {
    return this.rest === '' ? [] : [this.row(this.rest)];
  }

  private row(line: string): ExportRow {
    this.seq += 1;
    try {
      return { seq: this.seq, value: JSON.parse(line) };
    } catch {
      return { seq: this.seq, error: 'line is not valid JSON' };
    }
  }
}

class CsvSplitter implements Splitter {
  private readonly parser = new CsvRowParser();
  private header: boolean | undefined;
  private seq = 0;

  push(text: string): ExportRow[] {
    return this.rows(this.parser.push(text));
  }

  end(): ExportRow[] {
    return this.rows(this.parser.end());
  }

  private rows(fields: string[][]): ExportRow[] {
    const out: ExportRow[] = [];
    for (const row of fields) {
      if (this.header === undefined) {
        this.header = row.join(',') === CSV_COLUMNS.join(',');
        if (!this.header) out.push({ seq: 0, error: 'CSV header does not list the export columns' });
        continue;
      }
      this.seq += 1;
      if (row.length !== CSV_COLUMNS.length) {
        out.push({ seq: this.seq, error: `row has ${row.length} cells, expected ${CSV_COLUMNS.length}` });
        continue;
      }
      try {
        out.push({ seq: this.seq, value: fromCsvFields(row) });
      } catch {
        out.push({ seq: this.seq, error: 'data or metadata cell is not valid JSON' });
      }
    }
    return out;
  }
}
