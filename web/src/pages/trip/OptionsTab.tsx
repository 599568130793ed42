/**
 * Saved options (alternatives under consideration): add, select one per type (the API deselects
 * the others of that type), delete — editors and up; a viewer sees the list.
 */
import { useId, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { SavedOption } from '../../api/types.ts';
import { invalidateTrip, keys } from '../../app/queries.ts';
import { ConfirmButton } from '../../components/Confirm.tsx';
import { Empty, ErrorNotice, QueryState } from '../../components/Status.tsx';
import { describeOption, optionDataOf } from '../../lib/options.ts';
import { useCan, useTripId } from './TripPage.tsx';

export function OptionsTab() {
  const tripId = useTripId();
  const qc = useQueryClient();
  const canEdit = useCan('edit');
  const base = `/api/v1/trips/${tripId}/saved-options`;
  const query = useQuery({ queryKey: keys.tripPart(tripId, 'saved-options'), queryFn: () => api.get<SavedOption[]>(base, { limit: 1000, order: 'option_type.asc' }) });
  const [error, setError] = useState<unknown>(null);
  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      await invalidateTrip(qc, tripId);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-labelledby="options-heading">
      <h2 id="options-heading">Saved options</h2>
      {canEdit && <AddOption onAdd={(body) => act(() => api.post(base, body))} />}
      <ErrorNotice error={error} />
      <QueryState query={query} what="Loading saved options">
        {(rows) =>
          rows.length === 0 ? (
            <Empty><p>No saved options. Save alternatives (a hotel, a flight) and select the one you pick.</p></Empty>
          ) : (
            <ul className="rows" aria-label="Saved options">
              {rows.map((o) => (
                <li key={o.id} className={o.is_selected ? 'row selected' : 'row'}>
                  <div className="row-body">
                    <span className="badge">{o.option_type}</span> {o.is_selected && <strong>Selected</strong>}
                    <div>{describeOption(o.option_data)}</div>
                  </div>
                  {canEdit && <div className="actions">
                    <button type="button" className="secondary" disabled={o.is_selected} onClick={() => void act(() => api.patch(`${base}/${o.id}`, { is_selected: true }))}>
                      {o.is_selected ? 'Selected' : 'Select'}
                    </button>
                    <ConfirmButton label="Delete" question="Delete this saved option?" onConfirm={async () => {
                      await api.delete(`${base}/${o.id}`);
                      await invalidateTrip(qc, tripId);
                    }} />
                  </div>}
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
    </section>
  );
}

function AddOption({ onAdd }: { onAdd: (body: object) => Promise<void> }) {
  const id = useId();
  const [type, setType] = useState('accommodation');
  const [data, setData] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await onAdd({ option_type: type.trim(), option_data: optionDataOf(data) });
    setData('');
  };
  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)} aria-label="Save an option">
      <div className="field">
        <label htmlFor={`${id}-type`}>Type</label>
        <input id={`${id}-type`} required value={type} onChange={(e) => setType(e.target.value)} />
      </div>
      <div className="field grow">
        <label htmlFor={`${id}-data`}>Details (text or JSON)</label>
        <input id={`${id}-data`} required value={data} placeholder='{"name": "Hotel Sol", "price": "540.00"}' onChange={(e) => setData(e.target.value)} />
      </div>
      <button type="submit">Save option</button>
    </form>
  );
}
