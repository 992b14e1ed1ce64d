import { useId, useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { localTimeToIso, parseLabels } from '../../../lib/form-values';
import { useKillActions } from '../../../lib/kill-actions';
import { usePlaceLabelLock } from '../api/devices.queries';

/** A scoped kill switch: every device carrying all the labels is denied with DEVICE_LOCKED until the lock is lifted or expires. */
export function LockByLabelsDialog({ onClose }: { readonly onClose: () => void }) {
  const mutation = usePlaceLabelLock();
  const { record } = useKillActions();
  const [labels, setLabels] = useState('');
  const [reason, setReason] = useState('');
  const [expires, setExpires] = useState('');
  const ids = { labels: useId(), reason: useId(), expires: useId(), help: useId() };
  return (
    <ConfirmDialog
      title="Lock devices by labels"
      confirmLabel="Lock by labels"
      danger
      onClose={onClose}
      onConfirm={async () => {
        const parsed = parseLabels(labels);
        if (Object.keys(parsed).length === 0) throw new Error('Give at least one label, as key=value.');
        if (!reason.trim()) throw new Error('Give a reason: it is shown in the list of locks.');
        const result = await mutation.mutateAsync({ labels: parsed, reason: reason.trim(), expiresAt: localTimeToIso(expires) });
        const subject = Object.entries(parsed).map(([key, value]) => `${key}=${value}`).join(', ');
        // A lock that matches no device yet changed no permission: nothing to propagate.
        if (result.matched > 0) record({ name: 'Lock by labels', subject, position: result.position });
      }}
    >
      <p>Devices registered later with these labels are locked too. To stop the whole org, suspend it from the overview.</p>
      <div className="field">
        <label htmlFor={ids.labels}>Labels</label>
        <input id={ids.labels} value={labels} placeholder="team=payments, env=prod" aria-describedby={ids.help} onChange={(event) => setLabels(event.target.value)} />
        <p id={ids.help} className="hint">
          key=value pairs, separated by commas; a device must carry every one.
        </p>
      </div>
      <div className="field">
        <label htmlFor={ids.reason}>Reason</label>
        <input id={ids.reason} value={reason} maxLength={500} required onChange={(event) => setReason(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={ids.expires}>Expires at (optional)</label>
        <input id={ids.expires} type="datetime-local" value={expires} onChange={(event) => setExpires(event.target.value)} />
      </div>
    </ConfirmDialog>
  );
}
