import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { serializeManifest } from './export-manifest';
import { EXPORT_CHAIN_GENESIS, type ExportRecord, exportChainLink } from './export-record';
import { verifyExport } from './export-verifier';
import { tempDir, twoOrgLedger } from './export.fixture';
import { exportOrg } from './org-exporter';

describe('verifyExport against a careful forger (no signature)', () => {
  const tmp = tempDir();
  afterAll(() => tmp.dispose());
  let forgeries = 0;

  /** Rewrites the export with `edit` applied, renumbering, re-chaining and re-counting so only the ledger links can tell. */
  async function forge(edit: (records: ExportRecord[]) => ExportRecord[]): Promise<string> {
    const out = tmp.path(`forged-${++forgeries}.ndjson`);
    const manifest = await exportOrg(await twoOrgLedger(), { orgId: 'acme', format: 'ndjson', out, toolVersion: 't' });
    const records = edit(readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as ExportRecord));
    let chain = EXPORT_CHAIN_GENESIS;
    const lines = records.map((record, i) => {
      chain = exportChainLink(chain, { ...record, seq: i + 1 });
      return `${JSON.stringify({ ...record, seq: i + 1, chain })}\n`;
    });
    const body = lines.join('');
    writeFileSync(out, body);
    const heads: Record<string, string> = {};
    for (const r of records) heads[r.stream] = r.hash;
    const control = records.filter((r) => r.stream === 'org-acme').length;
    writeFileSync(
      `${out}.manifest.json`,
      serializeManifest({
        ...manifest,
        records: records.length,
        controlEvents: control,
        decisions: records.length - control,
        firstPosition: records[0].position,
        lastPosition: records[records.length - 1].position,
        chainHeads: Object.fromEntries(Object.entries(heads).sort(([a], [b]) => a.localeCompare(b))),
        exportChainHead: chain,
        sha256: createHash('sha256').update(body).digest('hex'),
      }),
    );
    return out;
  }

  it('finds a control event removed from the middle of the org stream', async () => {
    const out = await forge((records) => records.filter((r) => !(r.stream === 'org-acme' && r.revision === '2')));
    const report = await verifyExport(out);
    expect(report.ok).toBe(false);
    expect(report.firstBad?.reason).toBe('control events 2..2 of org-acme are missing');
  });

  it('finds records reordered against the ledger', async () => {
    const out = await forge((records) => [records[1], records[0], ...records.slice(2)]);
    const report = await verifyExport(out);
    expect(report.firstBad).toMatchObject({ seq: 2, reason: expect.stringContaining('out of ledger order') });
  });

  it('finds an altered record even with the export chain recomputed', async () => {
    const out = await forge((records) => records.map((r, i) => (i === 4 ? { ...r, data: { ...(r.data as object), allowed: false } } : r)));
    expect((await verifyExport(out)).firstBad).toMatchObject({ seq: 5, reason: 'ledger hash does not match the record content' });
  });

  it('accepts a forgery that changes nothing, so the checks above are the ones failing', async () => {
    expect(await verifyExport(await forge((records) => records))).toMatchObject({ ok: true });
  });
});
