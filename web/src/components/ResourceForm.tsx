/**
 * One form for every simple resource (trip, flight, stay, transport, item, note, key…): labelled
 * controls from a field list, the body built by lib/forms.ts, and the API's error shown on
 * failure. Validation is the API's: its message names the field.
 */
import { useId, useState, type FormEvent } from 'react';
import { bodyOf, type FieldKind } from '../lib/forms.ts';
import { fromLocalInput, toLocalInput } from '../lib/datetime.ts';
import { useCurrencyFields } from '../app/currencies.ts';
import { ErrorNotice } from './Status.tsx';

export interface Field {
  name: string;
  label: string;
  kind: FieldKind;
  required?: boolean;
  options?: readonly string[];
  multiline?: boolean;
  placeholder?: string;
  help?: string;
  /** For `int`: the smallest value. */
  min?: number;
  inputType?: 'email' | 'password' | 'url';
}

type Values = Record<string, string | boolean>;

/** A row from the API as form values. */
export function valuesOf(fields: Field[], row: Record<string, unknown> | undefined): Values {
  const out: Values = {};
  for (const f of fields) {
    const v = row?.[f.name];
    if (f.kind === 'bool') out[f.name] = v === true;
    else if (f.kind === 'instant') out[f.name] = toLocalInput(v as string | null);
    else if (f.kind === 'time') out[f.name] = typeof v === 'string' ? v.slice(0, 5) : '';
    else out[f.name] = v === null || v === undefined ? '' : String(v);
  }
  return out;
}

export function ResourceForm({ fields: given, initial, mode, submitLabel, onSubmit, onCancel, title, defaults }: {
  fields: Field[];
  initial?: Record<string, unknown>;
  defaults?: Values;
  mode: 'create' | 'edit';
  submitLabel: string;
  title?: string;
  onSubmit: (body: Record<string, unknown>) => Promise<unknown>;
  onCancel?: () => void;
}) {
  // A `currency` field offers the codes the API accepts (GET /api/v1/currencies).
  const fields = useCurrencyFields(given);
  const [values, setValues] = useState<Values>(() => ({ ...valuesOf(fields, initial), ...defaults }));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = useId();
  const set = (name: string, v: string | boolean) => setValues((s) => ({ ...s, [name]: v }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit(bodyOf(fields, values, mode, fromLocalInput));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="resource-form" onSubmit={(e) => void submit(e)} aria-label={title ?? submitLabel}>
      {title && <h3>{title}</h3>}
      <div className="fields">
        {fields.map((f) => {
          const fid = `${id}-${f.name}`;
          const common = {
            id: fid,
            name: f.name,
            required: f.required,
            'aria-describedby': f.help ? `${fid}-help` : undefined,
          };
          const v = values[f.name];
          let control;
          if (f.kind === 'bool') {
            control = <input {...common} type="checkbox" checked={v === true} onChange={(e) => set(f.name, e.target.checked)} />;
          } else if (f.options) {
            control = (
              <select {...common} value={String(v ?? '')} onChange={(e) => set(f.name, e.target.value)}>
                {!f.required && <option value="">—</option>}
                {optionsWith(f.options, String(v ?? '')).map((o) => <option key={o} value={o}>{o}</option>)}
              </select>
            );
          } else if (f.multiline) {
            control = <textarea {...common} rows={4} value={String(v ?? '')} placeholder={f.placeholder} onChange={(e) => set(f.name, e.target.value)} />;
          } else {
            control = (
              <input
                {...common}
                type={inputType(f)}
                inputMode={f.kind === 'money' ? 'decimal' : undefined}
                min={f.min}
                step={f.kind === 'time' ? 60 : undefined}
                placeholder={f.placeholder}
                value={String(v ?? '')}
                onChange={(e) => set(f.name, e.target.value)}
              />
            );
          }
          return (
            <div className={`field field-${f.kind}`} key={f.name}>
              <label htmlFor={fid}>{f.label}{f.required ? '' : ' (optional)'}</label>
              {control}
              {f.help && <small id={`${fid}-help`}>{f.help}</small>}
            </div>
          );
        })}
      </div>
      <ErrorNotice error={error} title="Not saved" />
      <div className="actions">
        <button type="submit" disabled={busy}>{busy ? 'Saving…' : submitLabel}</button>
        {onCancel && <button type="button" className="secondary" onClick={onCancel}>Cancel</button>}
      </div>
    </form>
  );
}

/** The options, with the current value first if they lack it (a list still loading, an old value). */
function optionsWith(options: readonly string[], current: string): readonly string[] {
  return current && !options.includes(current) ? [current, ...options] : options;
}

function inputType(f: Field): string {
  if (f.inputType) return f.inputType;
  switch (f.kind) {
    case 'int': return 'number';
    case 'instant': return 'datetime-local';
    case 'time': return 'time';
    case 'date': return 'date';
    default: return 'text';
  }
}
