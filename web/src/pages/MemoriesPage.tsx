/**
 * The AI memory: what the assistant knows about me. Search (by similarity), add, delete.
 */
import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import type { Memory } from '../api/types.ts';
import { PageTitle } from '../app/Layout.tsx';
import { keys } from '../app/queries.ts';
import { ConfirmButton } from '../components/Confirm.tsx';
import { Empty, ErrorNotice, QueryState } from '../components/Status.tsx';
import { instant } from '../lib/datetime.ts';

export function MemoriesPage() {
  const id = useId();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: keys.memories, queryFn: () => api.get<Memory[]>('/api/v1/memories', { limit: 100 }) });
  const [q, setQ] = useState('');
  const search = useMutation({ mutationFn: (query: string) => api.post<Memory[]>('/api/v1/memories/search', { query, limit: 20 }) });
  const [text, setText] = useState('');
  const [type, setType] = useState('preference');
  const add = useMutation({
    mutationFn: () => api.post('/api/v1/memories', { content_text: text.trim(), content_type: type.trim() }),
    onSuccess: () => { setText(''); return qc.invalidateQueries({ queryKey: keys.memories }); },
  });
  const shown = search.data ?? null;
  return (
    <section>
      <PageTitle>Memories</PageTitle>
      <p className="muted">What the assistant remembers about your travels. Only you can see them.</p>
      <form className="inline-form" role="search" aria-label="Search memories" onSubmit={(e: FormEvent) => { e.preventDefault(); if (q.trim()) search.mutate(q.trim()); }}>
        <div className="field grow">
          <label htmlFor={`${id}-q`}>Search memories</label>
          <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
        <button type="submit" className="secondary" disabled={search.isPending}>Search</button>
        {shown && <button type="button" className="secondary" onClick={() => search.reset()}>Show all</button>}
      </form>
      <ErrorNotice error={search.error} title="Search failed" />
      <form className="inline-form" aria-label="Add a memory" onSubmit={(e: FormEvent) => { e.preventDefault(); add.mutate(); }}>
        <div className="field grow">
          <label htmlFor={`${id}-text`}>New memory</label>
          <input id={`${id}-text`} required value={text} placeholder="I prefer window seats" onChange={(e) => setText(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-type`}>Kind</label>
          <select id={`${id}-type`} value={type} onChange={(e) => setType(e.target.value)}>
            {['preference', 'trip_note', 'conversation', 'fact'].map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        </div>
        <button type="submit" disabled={add.isPending}>Remember</button>
      </form>
      <ErrorNotice error={add.error} title="Not added" />
      {shown ? (
        <MemoryList rows={shown} heading={`Results for “${q}”`} />
      ) : (
        <QueryState query={list} what="Loading memories">{(rows) => <MemoryList rows={rows} heading="All memories" />}</QueryState>
      )}
    </section>
  );
}

function MemoryList({ rows, heading }: { rows: Memory[]; heading: string }) {
  const qc = useQueryClient();
  return (
    <section aria-label={heading}>
      <h2>{heading}</h2>
      {rows.length === 0 ? <Empty><p>No memories{heading.startsWith('Results') ? ' match' : ' yet'}.</p></Empty> : (
        <ul className="rows">
          {rows.map((m) => (
            <li key={m.id} className="row">
              <div className="row-body">
                <span className="badge">{m.content_type}</span> {m.content_text}
                <div className="muted small">
                  {instant(m.created_at)}
                  {m.similarity !== undefined && ` · similarity ${m.similarity.toFixed(2)}`}
                </div>
              </div>
              <ConfirmButton label="Delete" question="Delete this memory?" onConfirm={async () => {
                await api.delete(`/api/v1/memories/${m.id}`);
                await qc.invalidateQueries({ queryKey: keys.memories });
              }} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
