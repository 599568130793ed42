/**
 * A button that asks before it acts (delete, deactivate): a modal <dialog>, so focus stays in it
 * and Escape cancels, with no extra library.
 */
import { useId, useRef, useState } from 'react';
import { ErrorNotice } from './Status.tsx';

export function ConfirmButton({ label, ariaLabel, question, confirmLabel = label, onConfirm, className = 'danger' }: {
  label: string;
  /** A fuller name for screen readers where the same label repeats (it must contain `label`). */
  ariaLabel?: string;
  question: string;
  confirmLabel?: string;
  onConfirm: () => Promise<unknown>;
  className?: string;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const titleId = useId();
  const close = () => dialog.current?.close();
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      close();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className={className} aria-label={ariaLabel} onClick={() => { setError(null); dialog.current?.showModal(); }}>
        {label}
      </button>
      <dialog ref={dialog} aria-labelledby={titleId} className="confirm">
        <p id={titleId}>{question}</p>
        <ErrorNotice error={error} />
        <div className="actions">
          <button type="button" className="danger" disabled={busy} onClick={() => void confirm()}>
            {busy ? 'Working…' : confirmLabel}
          </button>
          <button type="button" className="secondary" onClick={close}>
            Cancel
          </button>
        </div>
      </dialog>
    </>
  );
}
