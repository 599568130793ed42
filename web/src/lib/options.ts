/**
 * Saved options carry any JSON (`option_data`). The form takes text: valid JSON is stored as
 * that JSON, anything else as a plain string, so nothing typed is lost.
 */
export function optionDataOf(text: string): unknown {
  const t = text.trim();
  if (!t) return {};
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return t;
  }
}

/** A short one-line description of an option's data for the list. */
export function describeOption(data: unknown): string {
  if (data === null || data === undefined) return '';
  if (typeof data !== 'object') return String(data);
  if (Array.isArray(data)) return data.map(describeOption).join(', ');
  return Object.entries(data as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}
