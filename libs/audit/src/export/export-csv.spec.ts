import { CsvRowParser, csvField } from './export-csv';

describe('csvField', () => {
  it('leaves plain text alone and quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
  });
});

describe('CsvRowParser', () => {
  it('reads back what csvField wrote, across arbitrary chunk boundaries', () => {
    const cells = ['1', 'a,b', 'say "hi"', 'two\r\nlines', '', '{"k":"v, \\"w\\""}'];
    const text = `${cells.map(csvField).join(',')}\r\nx,y\r\n`;
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new CsvRowParser();
      const rows = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut)), ...parser.end()];
      expect(rows).toEqual([cells, ['x', 'y']]);
    }
  });

  it('returns a last row without a line break at the end', () => {
    const parser = new CsvRowParser();
    expect([...parser.push('a,"b"\r\nc,d'), ...parser.end()]).toEqual([['a', 'b'], ['c', 'd']]);
  });
});
