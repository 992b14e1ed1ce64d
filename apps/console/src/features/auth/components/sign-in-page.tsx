import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../../api/client';
import { ErrorAlert } from '../../../components/error-alert';
import { checkOrgKey } from '../api/check-key';

/**
 * Sign in with an org admin key. The key field has no `name` and the form never submits by
 * itself (the page's policy forbids it), so the key cannot end up in a URL.
 */
export function SignInPage({ notice, onSignedIn }: { readonly notice: string | null; readonly onSignedIn: (key: string) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const candidate = key.trim();
    if (!candidate) {
      setError('Enter an org key.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await checkOrgKey(candidate);
      onSignedIn(candidate);
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  }

  return (
    <section className="card sign-in-card" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">warden console</h1>
      <p>Sign in with an org admin key. It is kept in this tab only, until you sign out or close the tab.</p>
      {notice && <p role="status" className="notice">{notice}</p>}
      <form onSubmit={submit}>
        <label htmlFor="org-key">Org key</label>
        <input
          id="org-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={key}
          onChange={(event) => setKey(event.target.value)}
          aria-describedby={error ? 'sign-in-error' : undefined}
        />
        <button type="submit" className="primary" disabled={busy}>
          Sign in
        </button>
      </form>
      {error && (
        <div id="sign-in-error">
          <ErrorAlert>{error}</ErrorAlert>
        </div>
      )}
    </section>
  );
}
