import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../../api/client';
import { ErrorAlert } from '../../../components/error-alert';
import { useIssueRuntimeKey } from '../api/keys.queries';

/** "Issue runtime key": the new key is shown once, here, with a copy button; it is kept nowhere else. */
export function IssueKey() {
  const issue = useIssueRuntimeKey();
  const [copied, setCopied] = useState<string>('');
  const issued = issue.data;
  const keyField = useRef<HTMLInputElement>(null);
  // The button is disabled while the key is issued, which drops its focus: the focus goes to the new key (selected), next to "Copy".
  useEffect(() => {
    if (issued) keyField.current?.focus();
  }, [issued]);
  return (
    <section className="card" aria-labelledby="issue-title">
      <h2 id="issue-title">Issue a runtime key</h2>
      <p>A runtime key may register devices, validate and watch, in this org only; it cannot revoke, suspend or read the audit.</p>
      <button
        type="button"
        className="primary"
        disabled={issue.isPending}
        onClick={() => {
          setCopied('');
          issue.mutate();
        }}
      >
        Issue runtime key
      </button>
      {issue.error && <ErrorAlert>{errorMessage(issue.error)}</ErrorAlert>}
      {issued && (
        <div className="issued">
          <p className="notice">
            Copy this key now: it is shown once. Its id is <strong>{issued.keyId}</strong>.
          </p>
          <div className="key-box">
            <label htmlFor="issued-key" className="visually-hidden">
              New runtime key
            </label>
            <input ref={keyField} id="issued-key" readOnly value={issued.key} onFocus={(event) => event.target.select()} />
            <button
              type="button"
              onClick={() =>
                navigator.clipboard.writeText(issued.key).then(
                  () => setCopied('Copied to the clipboard.'),
                  () => setCopied('Copying was refused by the browser: select the key and copy it.'),
                )
              }
            >
              Copy
            </button>
          </div>
          <p role="status">{copied}</p>
        </div>
      )}
    </section>
  );
}
