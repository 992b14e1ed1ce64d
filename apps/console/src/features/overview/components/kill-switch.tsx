import { useId, useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { QueryState } from '../../../components/query-state';
import { useKillActions } from '../../../lib/kill-actions';
import { useKillSwitch, useOrg } from '../api/overview.queries';

/** The org's state, and the org-wide kill switch: "Suspend org" (with a reason) and "Resume org", each confirmed. */
export function KillSwitch() {
  const org = useOrg();
  const killSwitch = useKillSwitch();
  const { record } = useKillActions();
  const [dialog, setDialog] = useState<'suspend' | 'resume' | null>(null);
  const [reason, setReason] = useState('');
  const reasonId = useId();
  const data = org.data;
  const suspended = data?.planState === 'suspended';
  const orgName = data ? (data.name ? `${data.name} (${data.orgId})` : data.orgId) : '';
  return (
    <section className="card" aria-labelledby="state-title">
      <h2 id="state-title">Org state</h2>
      <QueryState isPending={org.isPending} error={org.error} what="the org" />
      {data && (
        <>
          <p>
            {data.name ? <strong>{data.name}</strong> : null} <span className="muted">{data.orgId}</span>
          </p>
          {data.planState === 'suspended' ? (
            <>
              <p className="state suspended">Suspended: every validation is denied with ORG_SUSPENDED.</p>
              {data.suspendedReason && <p>Reason: {data.suspendedReason}</p>}
            </>
          ) : (
            <p className="state active">Active: devices may work.</p>
          )}
          {/* One button in one place, relabelled: the focus stays on it when the state flips. */}
          <button
            type="button"
            className={suspended ? 'primary' : 'danger'}
            onClick={() => {
              if (!suspended) setReason('');
              setDialog(suspended ? 'resume' : 'suspend');
            }}
          >
            {suspended ? 'Resume org' : 'Suspend org'}
          </button>
        </>
      )}
      {dialog === 'suspend' && (
        <ConfirmDialog
          title={`Suspend org ${orgName}?`}
          confirmLabel="Suspend org"
          danger
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            if (!reason.trim()) throw new Error('Give a reason: it is recorded with the suspension.');
            const result = await killSwitch.mutateAsync({ suspend: true, reason: reason.trim() });
            record({ name: 'Suspend org', subject: orgName, position: result.position });
          }}
        >
          <p>The kill switch: every runtime of {orgName} is denied with ORG_SUSPENDED and told at once, until the org is resumed.</p>
          <div className="field">
            <label htmlFor={reasonId}>Reason</label>
            <textarea id={reasonId} rows={2} maxLength={500} required value={reason} onChange={(event) => setReason(event.target.value)} />
          </div>
        </ConfirmDialog>
      )}
      {dialog === 'resume' && (
        <ConfirmDialog title={`Resume org ${orgName}?`} confirmLabel="Resume org" onClose={() => setDialog(null)} onConfirm={() => killSwitch.mutateAsync({ suspend: false })}>
          <p>Devices of {orgName} may work again (unless revoked, locked or beyond the cap).</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
