import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { LabelsText } from '../../../components/labels-text';
import { QueryState } from '../../../components/query-state';
import { TimeText } from '../../../components/time-text';
import { useLiftLock, useLocks, type Lock } from '../api/overview.queries';

/** Locks in force, each with what it selects, why, until when, and "Lift". */
export function LocksTable() {
  const locks = useLocks();
  const lift = useLiftLock();
  const [lifting, setLifting] = useState<Lock | null>(null);
  return (
    <section className="card" aria-labelledby="locks-title">
      <h2 id="locks-title">Active locks</h2>
      <QueryState isPending={locks.isPending} error={locks.error} what="locks" />
      {locks.data && locks.data.locks.length === 0 && <p>No lock is in force. Lock devices by labels from the Devices screen.</p>}
      {locks.data && locks.data.locks.length > 0 && (
        <table>
          <caption className="visually-hidden">Active locks</caption>
          <thead>
            <tr>
              <th scope="col">Selector</th>
              <th scope="col">Reason</th>
              <th scope="col">Devices denied</th>
              <th scope="col">Placed</th>
              <th scope="col">Expires</th>
              <th scope="col">By</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {locks.data.locks.map((lock) => (
              <tr key={lock.lockId}>
                <td>
                  {lock.selector.deviceId && <span>device {lock.selector.deviceId} </span>}
                  {lock.selector.labels && <LabelsText labels={lock.selector.labels} />}
                </td>
                <td>{lock.reason}</td>
                <td>{lock.matched}</td>
                <td>
                  <TimeText value={lock.placedAt} />
                </td>
                <td>{lock.expiresAt ? <TimeText value={lock.expiresAt} /> : 'until lifted'}</td>
                <td>{lock.actor}</td>
                <td>
                  <button type="button" aria-label={`Lift lock: ${lock.reason}`} onClick={() => setLifting(lock)}>
                    Lift
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {lifting && (
        <ConfirmDialog title="Lift this lock?" confirmLabel="Lift" onClose={() => setLifting(null)} onConfirm={() => lift.mutateAsync(lifting.lockId)}>
          <p>
            The {lifting.matched} devices it denies may work again (unless something else denies them). Reason given: {lifting.reason}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
