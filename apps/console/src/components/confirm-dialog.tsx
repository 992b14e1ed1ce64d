import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { errorMessage } from '../api/client';
import { ErrorAlert } from './error-alert';

export interface ConfirmDialogProps {
  /** The dialog's name (its heading). */
  readonly title: string;
  /** The confirming button: repeats the action's name ("Revoke", "Suspend org"). */
  readonly confirmLabel: string;
  /** Resolves when done (the dialog closes); a rejection is shown in the dialog, which stays open. */
  readonly onConfirm: () => Promise<unknown>;
  readonly onClose: () => void;
  /** What will happen, and any fields the action needs. */
  readonly children?: ReactNode;
  /** A destructive action: its button is red. */
  readonly danger?: boolean;
}

/**
 * A real modal dialog (the native <dialog> element, opened with showModal): role dialog,
 * named by its heading, focus kept inside, Escape cancels, focus returns where it was.
 * Mounted while open: render it conditionally.
 */
export function ConfirmDialog({ title, confirmLabel, onConfirm, onClose, children, danger = false }: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    return () => {
      dialog.close();
      // Back to the trigger; if it is gone (its row was removed), to the screen's start rather than nowhere.
      if (opener?.isConnected) opener.focus();
      else document.getElementById('main')?.focus();
    };
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  }

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose();
      }}
    >
      <form onSubmit={submit}>
        <h2 id={titleId}>{title}</h2>
        {children}
        {error && <ErrorAlert>{error}</ErrorAlert>}
        <div className="dialog-buttons">
          <button type="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className={danger ? 'danger' : 'primary'} disabled={busy}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
