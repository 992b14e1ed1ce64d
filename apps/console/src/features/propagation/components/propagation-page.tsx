import { useEffect, useId, useState, type FormEvent } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router';
import { ErrorAlert } from '../../../components/error-alert';
import { POSITION_PATTERN } from '../api/propagation.queries';
import { PropagationReport } from './propagation-report';

/** What the kill dialogs pass along when they open this screen: the action was just committed. */
interface JustCommitted {
  readonly justCommitted?: boolean;
}

/**
 * Screen 4: the propagation report of a change, by its ledger position (the route holds the
 * position, never a key, so the address can be shared with another operator of the org).
 */
export function PropagationPage() {
  const position = useParams().position ?? '';
  const state = useLocation().state as JustCommitted | null;
  const navigate = useNavigate();
  const [typed, setTyped] = useState(position);
  const [error, setError] = useState<string | null>(null);
  const ids = { position: useId(), help: useId() };
  const valid = POSITION_PATTERN.test(position);
  // The field follows the route (a link or Back changes the position without remounting).
  useEffect(() => setTyped(position), [position]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const candidate = typed.trim();
    if (!POSITION_PATTERN.test(candidate)) {
      setError('A position is a whole number: the "position" a revoke, lock or suspend answered.');
      return;
    }
    setError(null);
    void navigate(`/propagation/${candidate}`);
  }

  return (
    <>
      <h1>Propagation</h1>
      <p>Which live runtimes acknowledged a permission change (a revoke, lock or suspension), and how fast.</p>
      <form className="filters" onSubmit={submit} aria-label="Find a change">
        <div className="field">
          <label htmlFor={ids.position}>Position</label>
          <input id={ids.position} inputMode="numeric" value={typed} aria-describedby={ids.help} onChange={(event) => setTyped(event.target.value)} />
        </div>
        <button type="submit" className="primary">
          Show report
        </button>
      </form>
      <p id={ids.help} className="hint position-hint">
        The ledger position a revoke, lock or suspend answered (as <code>warden propagation</code> takes it).
      </p>
      {error && <ErrorAlert>{error}</ErrorAlert>}
      {position && !valid && <ErrorAlert>{`"${position}" is not a position.`}</ErrorAlert>}
      {valid && <PropagationReport key={position} position={position} justCommitted={state?.justCommitted === true} />}
    </>
  );
}
