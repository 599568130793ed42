/**
 * My API keys (bring your own): add, see the masked hint and the usage, (de)activate, delete.
 * The value is write-only: it leaves this page once, in the POST, and is never shown again.
 */
import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import type { ApiKey } from '../api/types.ts';
import { PageTitle } from '../app/Layout.tsx';
import { keys } from '../app/queries.ts';
import { ConfirmButton } from '../components/Confirm.tsx';
import { ResourceForm, type Field } from '../components/ResourceForm.tsx';
import { Empty, ErrorNotice, QueryState } from '../components/Status.tsx';
import { instant } from '../lib/datetime.ts';

const keyFields: Field[] = [
  { name: 'service_name', label: 'Service', kind: 'text', required: true, options: ['openai', 'anthropic', 'openrouter', 'google', 'other'] },
  { name: 'key_name', label: 'Name', kind: 'text', required: true, placeholder: 'personal' },
  { name: 'value', label: 'Key', kind: 'text', required: true, inputType: 'password', help: 'Stored encrypted; never shown again.' },
  { name: 'expires_at', label: 'Expires', kind: 'instant' },
];

export function maskedHint(hint: string | null): string {
  return hint ? `••••${hint}` : '••••';
}

export function KeysPage() {
  const qc = useQueryClient();
  const query = useQuery({ queryKey: keys.keys, queryFn: () => api.get<ApiKey[]>('/api/v1/api-keys', { limit: 200 }) });
  const [adding, setAdding] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: keys.keys });
  return (
    <section>
      <PageTitle actions={!adding && <button type="button" onClick={() => setAdding(true)}>Add a key</button>}>API keys</PageTitle>
      <p className="muted">Your own provider keys, used by the assistant and the memory on your behalf.</p>
      {adding && (
        <ResourceForm
          title="New API key" fields={keyFields} mode="create" submitLabel="Store key" defaults={{ service_name: 'openai' }}
          onSubmit={async (body) => {
            await api.post('/api/v1/api-keys', body);
            await refresh();
            setAdding(false);
          }}
          onCancel={() => setAdding(false)}
        />
      )}
      <QueryState query={query} what="Loading keys">
        {(rows) => rows.length === 0 ? <Empty><p>No keys stored.</p></Empty> : (
          <ul className="rows" aria-label="API keys">
            {rows.map((k) => <KeyRow key={k.id} k={k} refresh={refresh} />)}
          </ul>
        )}
      </QueryState>
    </section>
  );
}

function KeyRow({ k, refresh }: { k: ApiKey; refresh: () => Promise<void> }) {
  const [error, setError] = useState<unknown>(null);
  const toggle = async () => {
    setError(null);
    try {
      await api.patch(`/api/v1/api-keys/${k.id}`, { is_active: !k.is_active });
      await refresh();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <li className="row">
      <div className="row-body">
        <strong>{k.service_name}</strong> · {k.key_name} · <code aria-label={`key ending in ${k.key_hint ?? 'unknown'}`}>{maskedHint(k.key_hint)}</code>
        {' '}<span className={k.is_active ? 'badge' : 'badge inactive'}>{k.is_active ? 'active' : 'inactive'}</span>
        <div className="muted small">
          used {k.usage_count} time{k.usage_count === 1 ? '' : 's'}{k.last_used_at ? `, last ${instant(k.last_used_at)}` : ''}
          {k.expires_at ? ` · expires ${instant(k.expires_at)}` : ''}
        </div>
      </div>
      <div className="actions">
        <button type="button" className="secondary" onClick={() => void toggle()}>{k.is_active ? 'Deactivate' : 'Activate'}</button>
        <ConfirmButton label="Delete" question={`Delete the ${k.service_name} key “${k.key_name}”?`} onConfirm={async () => {
          await api.delete(`/api/v1/api-keys/${k.id}`);
          await refresh();
        }} />
      </div>
      <ErrorNotice error={error} />
    </li>
  );
}
