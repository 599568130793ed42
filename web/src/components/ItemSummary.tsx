import type { ReactNode } from 'react';
import type { Decimal } from '../api/types.ts';
import { formatMoney } from '../lib/decimal.ts';
import { shortTime } from '../lib/datetime.ts';

/** What an itinerary row shows of an item, on the days tab and on a shared trip's page. */
export interface ItemShown {
  start_time: string | null;
  end_time: string | null;
  title: string;
  location: string | null;
  category: string | null;
  cost: Decimal | null;
  currency: string | null;
  description: string | null;
}

/** An item's time and text; `flags` (warnings) go between the cost and the description. */
export function ItemSummary({ item, flags }: { item: ItemShown; flags?: ReactNode }) {
  return (
    <>
      <div className="item-time">{shortTime(item.start_time)}–{shortTime(item.end_time)}</div>
      <div className="item-body">
        <strong>{item.title}</strong>
        {item.location && <span className="muted"> · {item.location}</span>}
        {item.category && <span className="badge">{item.category}</span>}
        {item.cost !== null && <span> · {formatMoney(item.cost, item.currency)}</span>}
        {flags}
        {item.description && <p className="muted">{item.description}</p>}
      </div>
    </>
  );
}
