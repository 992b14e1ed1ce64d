import { useId, useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { useKillActions } from '../../../lib/kill-actions';
import { useRevokeBatch } from '../api/devices.queries';

/** Revokes the selected devices in one atomic append. */
export function BulkRevokeDialog({ deviceIds, onClose, onDone }: { readonly deviceIds: string[]; readonly onClose: () => void; readonly onDone: () => void }) {
  const mutation = useRevokeBatch();
  const { record } = useKillActions();
  const [reason, setReason] = useState('');
  const reasonId = useId();
  const count = deviceIds.length;
  return (
    <ConfirmDialog
      title={`Revoke ${count} ${count === 1 ? 'device' : 'devices'}?`}
      confirmLabel="Revoke"
      danger
      onClose={onClose}
      onConfirm={async () => {
        const answer = await mutation.mutateAsync({ deviceIds, reason: reason.trim() || undefined });
        const revoked = answer.results.filter((result) => result.result === 'revoked').length;
        if (revoked > 0) record({ name: 'Revoke', subject: `${revoked} ${revoked === 1 ? 'device' : 'devices'}`, position: answer.position });
        onDone();
      }}
    >
      <p>Every one of them is denied with DEVICE_REVOKED from now on: {deviceIds.join(', ')}.</p>
      <div className="field">
        <label htmlFor={reasonId}>Reason (optional)</label>
        <input id={reasonId} value={reason} maxLength={500} onChange={(event) => setReason(event.target.value)} />
      </div>
    </ConfirmDialog>
  );
}
