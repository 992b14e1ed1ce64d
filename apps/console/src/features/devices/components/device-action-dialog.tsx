import { useId, useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { useKillActions } from '../../../lib/kill-actions';
import { useDeviceAction, type DeviceAction } from '../api/devices.queries';

const TEXT: Record<DeviceAction, { label: string; title: (id: string) => string; effect: string }> = {
  revoke: {
    label: 'Revoke',
    title: (id) => `Revoke ${id}?`,
    effect: 'Its next validation is denied with DEVICE_REVOKED, and a running runtime is told at once.',
  },
  unrevoke: {
    label: 'Restore',
    title: (id) => `Restore ${id}?`,
    effect: 'It may work again (if the org is active, no lock matches it and the cap allows).',
  },
  remove: {
    label: 'Remove',
    title: (id) => `Remove ${id}?`,
    effect: 'The device is forgotten and frees its seat; it may register again, as a new registration.',
  },
};

/** The confirmation of one device action; the confirming button repeats the action's name. */
export function DeviceActionDialog({ action, deviceId, onClose }: { readonly action: DeviceAction; readonly deviceId: string; readonly onClose: () => void }) {
  const text = TEXT[action];
  const mutation = useDeviceAction();
  const { record } = useKillActions();
  const [reason, setReason] = useState('');
  const reasonId = useId();
  return (
    <ConfirmDialog
      title={text.title(deviceId)}
      confirmLabel={text.label}
      danger={action !== 'unrevoke'}
      onClose={onClose}
      onConfirm={async () => {
        const answer = await mutation.mutateAsync({ action, deviceId, reason: reason.trim() || undefined });
        // Only a revoke that changed something has a propagation to follow.
        if (answer.result === 'revoked') record({ name: 'Revoke', subject: deviceId, position: answer.position });
      }}
    >
      <p>{text.effect}</p>
      {action === 'revoke' && (
        <div className="field">
          <label htmlFor={reasonId}>Reason (optional)</label>
          <input id={reasonId} value={reason} maxLength={500} onChange={(event) => setReason(event.target.value)} />
        </div>
      )}
    </ConfirmDialog>
  );
}

export const ACTION_LABELS: Record<DeviceAction, string> = { revoke: 'Revoke', unrevoke: 'Restore', remove: 'Remove' };
