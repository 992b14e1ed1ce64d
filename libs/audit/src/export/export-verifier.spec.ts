import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ExportFormat } from './export-manifest';
import { verifyExport } from './export-verifier';
import { at, tempDir, twoOrgLedger } from './export.fixture';
import { exportOrg } from './org-exporter';

const tmp = tempDir();
afterAll(() => tmp.dispose());
let files = 0;

async function exported(format: ExportFormat, extra: { signingKey?: string; from?: string; to?: string } = {}) {
  const out = tmp.path(`export-${++files}.${format}`);
  const manifest = await exportOrg(await twoOrgLedger(), { orgId: 'acme', format, out, toolVersion: 't', ...extra });
  return { out, manifest };
}

/** The export's record lines (CSV header kept apart), to tamper with and write back. */
function editLines(file: string, format: ExportFormat, edit: (lines: string[]) => void): void {
  const sep = format === 'csv' ? '\r\n' : '\n';
  const lines = readFileSync(file, 'utf8').split(sep);
  const header = format === 'csv' ? lines.shift() : undefined;
  edit(lines);
  writeFileSync(file, [...(header === undefined ? [] : [header]), ...lines].join(sep));
}

/** Flips one bit of the first character of the deviceId value in record `seq`. */
function flipByte(file: string, format: ExportFormat, seq: number): void {
  editLines(file, format, (lines) => {
    const line = lines[seq - 1];
    const i = line.indexOf('deviceId') + (format === 'csv' ? 'deviceId"":""'.length : 'deviceId":"'.length);
    lines[seq - 1] = line.slice(0, i) + String.fromCharCode(line.charCodeAt(i) ^ 1) + line.slice(i + 1);
  });
}

const positionOf = (file: string, seq: number): string =>
  (JSON.parse(readFileSync(file, 'utf8').split('\n')[seq - 1]) as { position: string }).position;

const keyPair = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
};

describe.each<ExportFormat>(['ndjson', 'csv'])('verifyExport of a %s export', (format) => {
  it('accepts an untouched export', async () => {
    const { out, manifest } = await exported(format);
    const report = await verifyExport(out);
    expect(report).toMatchObject({ ok: true, records: manifest.records, problems: [], signature: { status: 'unsigned' } });
  });

  it('accepts a time-range export', async () => {
    const { out } = await exported(format, { from: at(5), to: at(11) });
    expect(await verifyExport(out)).toMatchObject({ ok: true, records: 6 });
  });

  it('names the record whose byte was flipped', async () => {
    const { out } = await exported(format);
    flipByte(out, format, 3);
    const report = await verifyExport(out);
    expect(report.ok).toBe(false);
    expect(report.firstBad).toMatchObject({ seq: 3, reason: expect.stringMatching(/chain|hash/) });
    expect(report.problems.map((p) => p.reason)).toContain('file sha256 does not match the manifest');
  });

  it('names the line after a dropped line', async () => {
    const { out } = await exported(format);
    editLines(out, format, (lines) => lines.splice(3, 1));
    const report = await verifyExport(out);
    expect(report.ok).toBe(false);
    expect(report.firstBad).toMatchObject({ seq: 4, reason: expect.stringContaining('expected seq 4, found 5') });
  });

  it('names the first of two swapped lines', async () => {
    const { out } = await exported(format);
    editLines(out, format, (lines) => lines.splice(2, 2, lines[3], lines[2]));
    const report = await verifyExport(out);
    expect(report.ok).toBe(false);
    expect(report.firstBad).toMatchObject({ seq: 3, reason: expect.stringContaining('expected seq 3, found 4') });
  });

  it('reports a manifest whose count was altered', async () => {
    const { out, manifest } = await exported(format);
    writeFileSync(`${out}.manifest.json`, JSON.stringify({ ...manifest, decisions: manifest.decisions - 1 }, null, 2));
    const report = await verifyExport(out);
    expect(report.ok).toBe(false);
    expect(report.firstBad).toBeUndefined();
    expect(report.problems).toEqual([{ reason: `manifest decisions is ${manifest.decisions - 1}, the file has ${manifest.decisions}` }]);
  });
});

describe('verifyExport of an NDJSON export', () => {
  it('gives the position of the first bad record', async () => {
    const { out } = await exported('ndjson');
    flipByte(out, 'ndjson', 5);
    expect((await verifyExport(out)).firstBad).toMatchObject({ seq: 5, position: positionOf(out, 5) });
  });

  it('reports a missing manifest', async () => {
    const { out } = await exported('ndjson');
    rmSync(`${out}.manifest.json`);
    const report = await verifyExport(out);
    expect(report.ok).toBe(false);
    expect(report.problems[0].reason).toMatch(/manifest .* is missing/);
  });

  it('reports a line that is not JSON', async () => {
    const { out } = await exported('ndjson');
    editLines(out, 'ndjson', (lines) => lines.splice(1, 1, '{"seq": 2,'));
    expect((await verifyExport(out)).firstBad).toEqual({ seq: 2, reason: 'line is not valid JSON' });
  });
});

describe('verifyExport of a signed export', () => {
  it('verifies the signature with the given public key', async () => {
    const keys = keyPair();
    const { out } = await exported('ndjson', { signingKey: keys.privatePem });
    const report = await verifyExport(out, { publicKey: keys.publicPem });
    expect(report).toMatchObject({ ok: true, signature: { status: 'valid', keySource: 'given' } });
  });

  it("falls back to the manifest's public key when none is given, and says so", async () => {
    const { out } = await exported('csv', { signingKey: keyPair().privatePem });
    expect((await verifyExport(out)).signature).toEqual({ status: 'valid', keySource: 'manifest' });
  });

  it('fails with the wrong public key', async () => {
    const { out } = await exported('ndjson', { signingKey: keyPair().privatePem });
    const report = await verifyExport(out, { publicKey: keyPair().publicPem });
    expect(report.ok).toBe(false);
    expect(report.signature).toEqual({ status: 'invalid', keySource: 'given' });
  });

  it('fails when the signature was removed and a key is given', async () => {
    const keys = keyPair();
    const { out } = await exported('ndjson', { signingKey: keys.privatePem });
    rmSync(`${out}.manifest.sig`);
    const report = await verifyExport(out, { publicKey: keys.publicPem });
    expect(report.ok).toBe(false);
    expect(report.signature.status).toBe('missing');
  });

  it('fails when the manifest was altered after signing', async () => {
    const keys = keyPair();
    const { out, manifest } = await exported('ndjson', { signingKey: keys.privatePem });
    writeFileSync(`${out}.manifest.json`, `${JSON.stringify({ ...manifest, records: manifest.records + 1 }, null, 2)}\n`);
    const report = await verifyExport(out, { publicKey: keys.publicPem });
    expect(report.ok).toBe(false);
    expect(report.signature.status).toBe('invalid');
    expect(report.problems.map((p) => p.reason)).toContain(`manifest records is ${manifest.records + 1}, the file has ${manifest.records}`);
  });
});
