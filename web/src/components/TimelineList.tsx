/**
 * A trip's entries in time order, as the trip's timeline tab and a share link's page show them.
 * Prices carry their own currency (a share link without costs has none).
 */
import type { TimelineEntry } from '../api/types.ts';
import { formatMoney } from '../lib/decimal.ts';
import { instant, longDate, shortTime } from '../lib/datetime.ts';
import { KIND_LABEL } from '../lib/kinds.ts';
import { Empty } from './Status.tsx';

export function whenOf(e: TimelineEntry): string {
  if (e.all_day) return `${longDate(e.date)} – ${longDate(e.end_date)}`;
  if (e.kind === 'itinerary_item') return `${longDate(e.date)}, ${shortTime(e.start_time)}–${shortTime(e.end_time)}`;
  return `${instant(e.start_at)} – ${instant(e.end_at)}`;
}

export function TimelineList({ entries }: { entries: TimelineEntry[] }) {
  if (entries.length === 0) return <Empty><p>Nothing planned yet: add flights, stays or itinerary items.</p></Empty>;
  return (
    <ol className="timeline">
      {entries.map((e) => (
        <li key={`${e.kind}-${e.id}`} className={`entry entry-${e.kind}`}>
          <span className="badge">{KIND_LABEL[e.kind]}</span>
          <strong>{e.title}</strong>
          <div>{whenOf(e)}</div>
          {e.price !== null && <div className="muted">{formatMoney(e.price, e.currency)}</div>}
        </li>
      ))}
    </ol>
  );
}
