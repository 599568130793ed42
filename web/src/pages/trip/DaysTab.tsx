/**
 * The itinerary by day (/days): each day with its date, planned cost (converted into the trip's
 * currency by the API; a cost without a rate is flagged, never added in), the API's overlap
 * warnings, and its items — add, edit, delete, and move to another day (editors and up).
 */
import { useId, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { ItineraryItem, TripDay, TripDays } from '../../api/types.ts';
import { invalidateTrip, keys } from '../../app/queries.ts';
import { ConfirmButton } from '../../components/Confirm.tsx';
import { ResourceForm } from '../../components/ResourceForm.tsx';
import { Empty, ErrorNotice, QueryState } from '../../components/Status.tsx';
import { formatMoney } from '../../lib/decimal.ts';
import { ItemSummary } from '../../components/ItemSummary.tsx';
import { longDate } from '../../lib/datetime.ts';
import { itemFields } from './itemFields.ts';
import { useCan, useTripId } from './TripPage.tsx';

const DAYS_PER_PAGE = 31;

export function DaysTab() {
  const tripId = useTripId();
  const canEdit = useCan('edit');
  const [fromDay, setFromDay] = useState(1);
  const query = useQuery({
    queryKey: keys.tripPart(tripId, `days-${fromDay}`),
    queryFn: () => api.get<TripDays>(`/api/v1/trips/${tripId}/days`, { from_day: fromDay, days: DAYS_PER_PAGE }),
  });
  return (
    <section aria-labelledby="days-heading">
      <h2 id="days-heading">Day by day</h2>
      <QueryState query={query} what="Loading the itinerary">
        {(view) => (
          <>
            {view.days.map((day) => (
              <Day key={day.day_number} tripId={tripId} day={day} totalDays={view.duration_days} currency={view.currency} canEdit={canEdit} />
            ))}
            {(fromDay > 1 || view.next_from_day) && (
              <nav className="pager" aria-label="More days">
                <button type="button" className="secondary" disabled={fromDay === 1} onClick={() => setFromDay(Math.max(1, fromDay - DAYS_PER_PAGE))}>Earlier days</button>
                <button type="button" className="secondary" disabled={!view.next_from_day} onClick={() => setFromDay(view.next_from_day ?? fromDay)}>Later days</button>
              </nav>
            )}
          </>
        )}
      </QueryState>
    </section>
  );
}

interface DayProps {
  tripId: number;
  day: TripDay;
  totalDays: number;
  currency: string;
  canEdit: boolean;
}

function Day({ tripId, day, totalDays, currency, canEdit }: DayProps) {
  const qc = useQueryClient();
  const [adding, setAdding] = useState(false);
  const headingId = `day-${day.day_number}`;
  const flagged = new Set(day.warnings.flatMap((w) => w.item_ids));
  const noRate = new Set(day.unconverted.map((u) => u.item_id));
  return (
    <section className="day" aria-labelledby={headingId} data-testid={`day-${day.day_number}`}>
      <div className="section-head">
        <h3 id={headingId}>Day {day.day_number} · {longDate(day.date)}</h3>
        <span className="muted">planned {formatMoney(day.planned_cost, currency)}</span>
      </div>
      {day.unconverted.length > 0 && (
        <p className="flag" data-testid={`unconverted-day-${day.day_number}`}>
          Not in the day’s total (no exchange rate to {currency}): {day.unconverted.map((u) => formatMoney(u.amount, u.currency)).join(', ')}
        </p>
      )}
      {day.warnings.length > 0 && (
        <ul className="warnings" aria-label={`Warnings for day ${day.day_number}`}>
          {day.warnings.map((w, i) => <li key={i}>⚠ {w.message}</li>)}
        </ul>
      )}
      {day.items.length === 0 ? (
        <Empty><p>Nothing planned yet.</p></Empty>
      ) : (
        <ol className="items">
          {day.items.map((item) => (
            <Item key={item.id} tripId={tripId} item={item} totalDays={totalDays} overlapping={flagged.has(item.id)} noRate={noRate.has(item.id)} canEdit={canEdit} />
          ))}
        </ol>
      )}
      {canEdit && (adding ? (
        <ResourceForm
          title={`New item on day ${day.day_number}`}
          fields={itemFields}
          defaults={{ currency }}
          mode="create"
          submitLabel="Add item"
          onSubmit={async (body) => {
            await api.post(`/api/v1/trips/${tripId}/itinerary-items`, { ...body, day_number: day.day_number });
            await invalidateTrip(qc, tripId);
            setAdding(false);
          }}
          onCancel={() => setAdding(false)}
        />
      ) : (
        <button type="button" className="secondary" onClick={() => setAdding(true)}>Add item to day {day.day_number}</button>
      ))}
    </section>
  );
}

interface ItemProps {
  tripId: number;
  item: ItineraryItem;
  totalDays: number;
  overlapping: boolean;
  /** Its cost has no exchange rate into the trip's currency. */
  noRate: boolean;
  canEdit: boolean;
}

function Item({ tripId, item, totalDays, overlapping, noRate, canEdit }: ItemProps) {
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const path = `/api/v1/trips/${tripId}/itinerary-items/${item.id}`;
  if (editing) {
    return (
      <li className="item">
        <ResourceForm
          title={`Edit ${item.title}`} fields={itemFields} initial={item as unknown as Record<string, unknown>} mode="edit" submitLabel="Save"
          onSubmit={async (body) => {
            await api.patch(path, body);
            await invalidateTrip(qc, tripId);
            setEditing(false);
          }}
          onCancel={() => setEditing(false)}
        />
      </li>
    );
  }
  return (
    <li className={overlapping ? 'item overlapping' : 'item'} data-testid={`item-${item.id}`}>
      <ItemSummary
        item={item}
        flags={<>
          {noRate && <span className="flag-inline"> (no exchange rate: not in the total)</span>}
          {overlapping && <span className="sr-only"> (overlaps another item)</span>}
        </>}
      />
      {canEdit && <ItemActions tripId={tripId} item={item} totalDays={totalDays} path={path} onEdit={() => setEditing(true)} />}
    </li>
  );
}

function ItemActions({ tripId, item, totalDays, path, onEdit }: { tripId: number; item: ItineraryItem; totalDays: number; path: string; onEdit: () => void }) {
  const qc = useQueryClient();
  const [target, setTarget] = useState(item.day_number);
  const [error, setError] = useState<unknown>(null);
  const id = useId();
  const move = async () => {
    setError(null);
    try {
      await api.patch(path, { day_number: target });
      await invalidateTrip(qc, tripId);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <div className="actions">
        <label htmlFor={`${id}-day`} className="sr-only">Move “{item.title}” to day</label>
        <select id={`${id}-day`} value={target} onChange={(e) => setTarget(Number(e.target.value))}>
          {Array.from({ length: totalDays }, (_, i) => i + 1).map((d) => <option key={d} value={d}>Day {d}</option>)}
        </select>
        <button type="button" className="secondary" disabled={target === item.day_number} onClick={() => void move()}>Move</button>
        <button type="button" className="secondary" onClick={onEdit}>Edit</button>
        <ConfirmButton label="Delete" question={`Delete “${item.title}”?`} onConfirm={async () => {
          await api.delete(path);
          await invalidateTrip(qc, tripId);
        }} />
      </div>
      <ErrorNotice error={error} title="Not moved" />
    </>
  );
}
