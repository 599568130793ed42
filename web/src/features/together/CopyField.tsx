/**
 * A read-only text with a Copy button. The clipboard API needs permission and a secure context;
 * where it is refused, the text is selected so the user can copy it with the keyboard.
 */
import { useId, useRef, useState } from 'react';

export function CopyField({ label, value }: { label: string; value: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [said, setSaid] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setSaid('Copied.');
    } catch {
      input.current?.select();
      setSaid('Selected: press Ctrl+C (⌘C) to copy.');
    }
  };
  return (
    <div className="copy-field">
      <div className="field grow">
        <label htmlFor={id}>{label}</label>
        <input id={id} ref={input} readOnly value={value} onFocus={(e) => e.target.select()} />
      </div>
      <button type="button" className="secondary" onClick={() => void copy()}>Copy link</button>
      <span role="status" className="muted small">{said}</span>
    </div>
  );
}
