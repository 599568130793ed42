/**
 * Dates and times between the API and form controls. Instants (flights, transport) are shown and
 * edited in the browser's time zone; itinerary times are floating wall-clock times, as written.
 */

const pad = (n: number) => String(n).padStart(2, '0');

/** An API instant ("2026-05-02T09:05:00+00:00") as a datetime-local value in the browser's zone. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value ("2026-05-01T22:15") as an ISO instant with an offset, for the API. */
export function fromLocalInput(value: string): string {
  const d = new Date(value);
  if (!value || Number.isNaN(d.getTime())) return value;
  return d.toISOString();
}

/** "09:00:00" → "09:00". */
export function shortTime(t: string | null | undefined): string {
  return t ? t.slice(0, 5) : '';
}

/** "2026-05-01" → "Fri, 1 May 2026" (read as a calendar date, never shifted by a time zone). */
export function longDate(date: string | null | undefined): string {
  if (!date) return '';
  const [y, m, d] = date.split('-').map(Number);
  if (!y || !m || !d) return date;
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/** An instant in the browser's zone: "1 May 2026, 22:15". */
export function instant(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** The browser's IANA zone, for the timeline's ordering of floating times. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}
