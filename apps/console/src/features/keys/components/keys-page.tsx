import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { QueryState } from '../../../components/query-state';
import { TimeText } from '../../../components/time-text';
import { useKeys, useRevokeKey, type KeyView } from '../api/keys.queries';
import { IssueKey } from './issue-key';

/** Runtime keys for deployments: issue one (shown once), see the org's keys, revoke one. */
export function KeysPage() {
  const keys = useKeys();
  const revoke = useRevokeKey();
  const [revoking, setRevoking] = useState<KeyView | null>(null);
  return (
    <>
      <h1>Keys</h1>
      <IssueKey />
      <section className="card" aria-labelledby="keys-title">
        <h2 id="keys-title">Active keys</h2>
        <p className="muted">Keys are stored as hashes only: a lost key cannot be shown again; issue a new one and revoke the old.</p>
        <QueryState isPending={keys.isPending} error={keys.error} what="keys" />
        {keys.data && (
          <table>
            <caption className="visually-hidden">Active keys of the org</caption>
            <thead>
              <tr>
                <th scope="col">Key id</th>
                <th scope="col">Scope</th>
                <th scope="col">Issued</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {keys.data.keys.map((key) => (
                <tr key={key.keyId}>
                  <th scope="row">
                    {key.keyId}
                    {key.current && <span className="muted"> (this session)</span>}
                  </th>
                  <td>{key.scope}</td>
                  <td>
                    <TimeText value={key.issuedAt} />
                  </td>
                  <td>
                    <button type="button" className="danger-outline" aria-label={`Revoke ${key.keyId}`} onClick={() => setRevoking(key)}>
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {revoking && (
        <ConfirmDialog title={`Revoke ${revoking.keyId}?`} confirmLabel="Revoke" danger onClose={() => setRevoking(null)} onConfirm={() => revoke.mutateAsync(revoking.keyId)}>
          <p>
            Every request with this {revoking.scope} key is refused (401) from now on, and its open watches end.
            {revoking.current && ' It is the key of this session: you will be signed out.'}
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
