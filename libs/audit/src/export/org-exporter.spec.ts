import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { WardenError } from '@warden/domain';
import { CsvRowParser } from './export-csv';
import type { ExportRecord } from './export-record';
import { at, tempDir, twoOrgLedger } from './export.fixture';
import { exportOrg, exportOrgStream } from './org-exporter';

const ndjsonRecords = (file: string): ExportRecord[] =>
  readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as ExportRecord);

describe('exportOrg', () => {
  const tmp = tempDir();
  afterAll(() => tmp.dispose());
  const base = { orgId: 'acme', toolVersion: 'test-1.0', now: () => new Date(at(60)) };

  describe('in NDJSON', () => {
    it("writes the org's control events and decisions in ledger order, numbered from 1", async () => {
      const ledger = await twoOrgLedger();
      const out = tmp.path('acme.ndjson');
      await exportOrg(ledger, { ...base, format: 'ndjson', out });
      const records = ndjsonRecords(out);
      expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
      const positions = records.map((r) => BigInt(r.position));
      expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
      expect(records.filter((r) => r.stream === 'org-acme')).toHaveLength(6);
      expect(records.filter((r) => r.type === 'PermissionDecided')).toHaveLength(6);
      expect(new Set(records.map((r) => r.stream))).toEqual(new Set(['org-acme', 'decisions-node-a', 'decisions-node-b']));
    });

    it("never contains another org's records, even one whose id shares the prefix", async () => {
      const ledger = await twoOrgLedger();
      const out = tmp.path('acme-only.ndjson');
      await exportOrg(ledger, { ...base, format: 'ndjson', out });
      for (const record of ndjsonRecords(out)) {
        expect(record.stream).not.toBe('org-acme2');
        expect((record.data as { orgId: string }).orgId).toBe('acme');
      }
    });

    it('carries the ledger hash, metadata and an export chain on every record', async () => {
      const ledger = await twoOrgLedger();
      const out = tmp.path('fields.ndjson');
      await exportOrg(ledger, { ...base, format: 'ndjson', out });
      const [first, second] = ndjsonRecords(out);
      expect(first).toMatchObject({ seq: 1, stream: 'org-acme', revision: '0', type: 'OrgCreated', actor: 'admin' });
      expect(first.prevHash).toBe('0'.repeat(64));
      expect(second.prevHash).toBe(first.hash);
      expect(first.metadata).toEqual({ correlationId: expect.any(String), causationId: expect.any(String) });
      expect(second.chain).not.toBe(first.chain);
    });

    it('writes a manifest with counts, range, heads and the sha256 of the file', async () => {
      const ledger = await twoOrgLedger();
      const out = tmp.path('manifest.ndjson');
      const manifest = await exportOrg(ledger, { ...base, format: 'ndjson', out });
      const records = ndjsonRecords(out);
      const onDisk = JSON.parse(readFileSync(`${out}.manifest.json`, 'utf8'));
      expect(onDisk).toEqual(manifest);
      expect(manifest).toMatchObject({
        format: 'ndjson',
        orgId: 'acme',
        from: null,
        to: null,
        records: 12,
        controlEvents: 6,
        decisions: 6,
        firstPosition: records[0].position,
        lastPosition: records[11].position,
        exportChainHead: records[11].chain,
        toolVersion: 'test-1.0',
        createdAt: at(60),
      });
      expect(Object.keys(manifest.chainHeads)).toEqual(['decisions-node-a', 'decisions-node-b', 'org-acme']);
      expect(manifest.sha256).toBe(createHash('sha256').update(readFileSync(out)).digest('hex'));
      expect(manifest.publicKey).toBeUndefined();
      expect(existsSync(`${out}.manifest.sig`)).toBe(false);
    });
  });

  describe('in CSV', () => {
    it('writes a header and one row per record, quoting cells with commas, quotes and line breaks', async () => {
      const ledger = await twoOrgLedger();
      const out = tmp.path('acme.csv');
      const manifest = await exportOrg(ledger, { ...base, format: 'csv', out });
      const parser = new CsvRowParser();
      const rows = [...parser.push(readFileSync(out, 'utf8')), ...parser.end()];
      expect(rows[0][0]).toBe('seq');
      expect(rows).toHaveLength(1 + manifest.records);
      const registered = rows.find((row) => row[5] === 'DeviceRegistered') as string[];
      expect(JSON.parse(registered[10]).labels).toEqual({ team: 'ops, "blue"', note: 'line1\nline2' });
    });
  });

  describe('with a time range', () => {
    it('contains only the records whose time is within the inclusive range', async () => {
      const ledger = await twoOrgLedger();
      const out = tmp.path('range.ndjson');
      const manifest = await exportOrg(ledger, { ...base, format: 'ndjson', out, from: at(5), to: at(11) });
      const times = ndjsonRecords(out).map((r) => {
        const data = r.data as { at?: string; decidedAt?: string };
        return data.decidedAt ?? data.at;
      });
      expect(times).toEqual([at(5), at(6), at(8), at(9), at(10), at(11)]);
      expect(manifest).toMatchObject({ from: at(5), to: at(11), records: 6, controlEvents: 2, decisions: 4 });
    });

    it('refuses a bound that is not a time, as invalid', async () => {
      const ledger = await twoOrgLedger();
      const run = exportOrg(ledger, { ...base, format: 'ndjson', out: tmp.path('bad.ndjson'), from: 'yesterday' });
      await expect(run).rejects.toMatchObject({ kind: 'invalid', code: 'invalid_export_range' });
      await expect(run).rejects.toBeInstanceOf(WardenError);
    });
  });

  describe('with a signing key', () => {
    it('signs the manifest and records the public key in it', async () => {
      const ledger = await twoOrgLedger();
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const out = tmp.path('signed.ndjson');
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const manifest = await exportOrg(ledger, { ...base, format: 'ndjson', out, signingKey: pem });
      expect(manifest.publicKey).toBe(publicKey.export({ type: 'spki', format: 'pem' }).toString());
      expect(readFileSync(`${out}.manifest.sig`, 'utf8').trim()).toMatch(/^[A-Za-z0-9+/]+=*$/);
    });

    it('refuses a key that is not Ed25519', async () => {
      const ledger = await twoOrgLedger();
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const run = exportOrg(ledger, { ...base, format: 'ndjson', out: tmp.path('ec.ndjson'), signingKey: privateKey });
      await expect(run).rejects.toMatchObject({ kind: 'invalid', code: 'invalid_export_key' });
    });
  });
});

describe('exportOrgStream', () => {
  it('streams the same NDJSON lines as the file export', async () => {
    const tmp = tempDir();
    try {
      const ledger = await twoOrgLedger();
      const out = tmp.path('same.ndjson');
      await exportOrg(ledger, { orgId: 'acme', format: 'ndjson', out, toolVersion: 't' });
      const chunks: string[] = [];
      for await (const chunk of exportOrgStream(ledger, { orgId: 'acme' })) chunks.push(String(chunk));
      expect(chunks.join('')).toBe(readFileSync(out, 'utf8'));
    } finally {
      tmp.dispose();
    }
  });
});
