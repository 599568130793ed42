/**
 * A trip's collection (flights, stays, transport, notes): the list, an add form, and per row an
 * edit form and a delete with confirmation. Every write refreshes the trip's views. `readOnly`
 * (a viewer's role) shows the list alone.
 */
import { useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import { invalidateTrip, keys } from '../app/queries.ts';
import { ConfirmButton } from './Confirm.tsx';
import { ResourceForm, type Field } from './ResourceForm.tsx';
import { Empty, QueryState } from './Status.tsx';

interface Row {
  id: number;
}

export function ResourceSection<T extends Row>({ tripId, path, noun, title, fields, render, emptyText, defaults, readOnly = false }: {
  tripId: number;
  path: string;
  noun: string;
  title: string;
  fields: Field[];
  render: (row: T) => ReactNode;
  emptyText: string;
  defaults?: Record<string, string>;
  readOnly?: boolean;
}) {
  const base = `/api/v1/trips/${tripId}/${path}`;
  const qc = useQueryClient();
  const query = useQuery({ queryKey: keys.tripPart(tripId, path), queryFn: () => api.get<T[]>(base, { limit: 1000 }) });
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<number | null>(null);
  const refresh = () => invalidateTrip(qc, tripId);
  const headingId = `${path}-heading`;
  return (
    <section aria-labelledby={headingId} className="resource-section">
      <div className="section-head">
        <h2 id={headingId}>{title}</h2>
        {!adding && !readOnly && <button type="button" onClick={() => setAdding(true)}>Add {noun}</button>}
      </div>
      {adding && !readOnly && (
        <ResourceForm
          title={`New ${noun}`}
          fields={fields}
          defaults={defaults}
          mode="create"
          submitLabel={`Add ${noun}`}
          onSubmit={async (body) => {
            await api.post(base, body);
            await refresh();
            setAdding(false);
          }}
          onCancel={() => setAdding(false)}
        />
      )}
      <QueryState query={query} what={`Loading ${title.toLowerCase()}`}>
        {(rows) =>
          rows.length === 0 ? (
            <Empty><p>{emptyText}</p></Empty>
          ) : (
            <ul className="rows" aria-label={title}>
              {rows.map((row) => (
                <li key={row.id} className="row">
                  {editing === row.id ? (
                    <ResourceForm
                      title={`Edit ${noun}`}
                      fields={fields}
                      initial={row as unknown as Record<string, unknown>}
                      mode="edit"
                      submitLabel="Save"
                      onSubmit={async (body) => {
                        await api.patch(`${base}/${row.id}`, body);
                        await refresh();
                        setEditing(null);
                      }}
                      onCancel={() => setEditing(null)}
                    />
                  ) : (
                    <>
                      <div className="row-body">{render(row)}</div>
                      {!readOnly && (
                        <div className="actions">
                          <button type="button" className="secondary" onClick={() => setEditing(row.id)}>Edit</button>
                          <ConfirmButton
                            label="Delete"
                            question={`Delete this ${noun}?`}
                            onConfirm={async () => {
                              await api.delete(`${base}/${row.id}`);
                              await refresh();
                            }}
                          />
                        </div>
                      )}
                    </>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
    </section>
  );
}
