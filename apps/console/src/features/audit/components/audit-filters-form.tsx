import { useState, type FormEvent } from 'react';
import { DECISION_CODES, type DecisionCode } from '../../../api/client';
import { ErrorAlert } from '../../../components/error-alert';
import { localTimeToIso } from '../../../lib/form-values';
import type { AuditFilters } from '../api/audit.queries';

/** Device, code, allowed or denied, time range; applied on "Apply filters". */
export function AuditFiltersForm({ onApply }: { readonly onApply: (filters: AuditFilters) => void }) {
  const [deviceId, setDeviceId] = useState('');
  const [code, setCode] = useState('');
  const [outcome, setOutcome] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [error, setError] = useState<string | null>(null);

  function apply(event: FormEvent) {
    event.preventDefault();
    try {
      onApply({
        deviceId: deviceId.trim() || undefined,
        code: (code || undefined) as DecisionCode | undefined,
        allowed: (outcome || undefined) as 'true' | 'false' | undefined,
        from: localTimeToIso(from),
        to: localTimeToIso(to),
      });
      setError(null);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  }

  return (
    <form className="filters card" aria-label="Audit filters" onSubmit={apply}>
      <div className="field">
        <label htmlFor="audit-device">Device</label>
        <input id="audit-device" value={deviceId} onChange={(event) => setDeviceId(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="audit-code">Code</label>
        <select id="audit-code" value={code} onChange={(event) => setCode(event.target.value)}>
          <option value="">Any code</option>
          {DECISION_CODES.map((candidate) => (
            <option key={candidate} value={candidate}>
              {candidate}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="audit-outcome">Outcome</label>
        <select id="audit-outcome" value={outcome} onChange={(event) => setOutcome(event.target.value)}>
          <option value="">Allowed or denied</option>
          <option value="true">Allowed</option>
          <option value="false">Denied</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="audit-from">From</label>
        <input id="audit-from" type="datetime-local" value={from} onChange={(event) => setFrom(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="audit-to">To</label>
        <input id="audit-to" type="datetime-local" value={to} onChange={(event) => setTo(event.target.value)} />
      </div>
      <button type="submit" className="primary">
        Apply filters
      </button>
      {error && <ErrorAlert>{error}</ErrorAlert>}
    </form>
  );
}
