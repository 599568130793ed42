/**
 * Travel preferences live in the profile's free-form `preferences_json`. The form edits a few
 * known keys and keeps every other key as it was.
 */
export const PREFERENCE_KEYS = ['home_airport', 'currency', 'travel_style', 'dietary', 'accessibility'] as const;
export type PreferenceKey = (typeof PREFERENCE_KEYS)[number];

export function preferenceValues(prefs: Record<string, unknown> | null | undefined): Record<PreferenceKey, string> {
  const out = {} as Record<PreferenceKey, string>;
  for (const k of PREFERENCE_KEYS) {
    const v = prefs?.[k];
    out[k] = typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);
  }
  return out;
}

/** The new preferences object: known keys set (or removed when emptied), others untouched. */
export function mergePreferences(prefs: Record<string, unknown> | null | undefined, values: Record<PreferenceKey, string>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(prefs ?? {}) };
  for (const k of PREFERENCE_KEYS) {
    const v = values[k].trim();
    if (v) out[k] = v;
    else delete out[k];
  }
  return out;
}
