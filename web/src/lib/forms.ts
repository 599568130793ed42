/**
 * Form values → API bodies. Inputs give strings; the API wants absent optional fields left out
 * (or null when clearing on edit), integers as numbers, and money as the typed decimal string.
 */
export type FieldKind = 'text' | 'int' | 'money' | 'instant' | 'time' | 'date' | 'bool';

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  required?: boolean;
}

/**
 * Builds a body from string values. An empty optional field is omitted on create and null (a
 * cleared value) on edit; an empty required one is sent empty so the API names it. Money stays
 * the exact string typed (trimmed), never parsed to a float.
 */
export function bodyOf(specs: FieldSpec[], values: Record<string, string | boolean>, mode: 'create' | 'edit', toInstant: (v: string) => string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { name, kind, required } of specs) {
    const raw = values[name];
    if (kind === 'bool') {
      out[name] = raw === true || raw === 'true';
      continue;
    }
    const v = typeof raw === 'string' ? raw.trim() : '';
    if (v === '') {
      if (!required) {
        if (mode === 'edit') out[name] = null;
      } else if (mode === 'create') {
        out[name] = kind === 'int' ? null : v;
      }
      continue;
    }
    if (kind === 'int') out[name] = /^-?\d+$/.test(v) ? Number(v) : v;
    else if (kind === 'instant') out[name] = toInstant(v);
    else out[name] = v;
  }
  return out;
}
