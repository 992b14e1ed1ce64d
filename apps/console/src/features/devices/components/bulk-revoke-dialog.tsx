import { useId, useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { useRevokeBatch } from '../api/devices.queries';

/** Revokes the selected devices in one atomic append. */
export function BulkRevokeDialog({ deviceIds, onClose, onDone }: { readonly deviceIds: string[]; readonly onClose: () => void; readonly onDone: () => void }) {
  const mutation = useRevokeBatch();
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
        await mutation.mutateAsync({ deviceIds, reason: reason.trim() || undefined });
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
