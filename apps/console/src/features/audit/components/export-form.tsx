import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../../api/client';
import { ErrorAlert } from '../../../components/error-alert';
import { localTimeToIso } from '../../../lib/form-values';
import { downloadExport } from '../api/audit.queries';

/** The org's NDJSON export (control events and decisions, with their hash-chain links) for a time range. */
export function ExportForm() {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await downloadExport({ from: localTimeToIso(from), to: localTimeToIso(to) });
      setDone(true);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="export-title">
      <h2 id="export-title">Export</h2>
      <p>Every control event and decision of the org in the range, one JSON record per line, with the hash-chain links an auditor checks.</p>
      <form className="filters" aria-label="Export range" onSubmit={submit}>
        <div className="field">
          <label htmlFor="export-from">Export from</label>
          <input id="export-from" type="datetime-local" value={from} onChange={(event) => setFrom(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="export-to">Export to</label>
          <input id="export-to" type="datetime-local" value={to} onChange={(event) => setTo(event.target.value)} />
        </div>
        <button type="submit" className="primary" disabled={busy}>
          Download export
        </button>
      </form>
      <p role="status">{busy ? 'Preparing the export…' : done ? 'The export was downloaded.' : ''}</p>
      {error && <ErrorAlert>{error}</ErrorAlert>}
    </section>
  );
}
