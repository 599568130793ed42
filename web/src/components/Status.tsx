/**
 * Loading, empty and error states, the same on every page. An error shows the API's own message
 * and hint (and its request id, for the server log).
 */
import type { ReactNode } from 'react';
import { ApiError } from '../api/errors.ts';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="status" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function ErrorNotice({ error, retry, title = 'Something went wrong' }: { error: unknown; retry?: () => void; title?: string }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : null;
  const message = e ? e.message : error instanceof Error ? error.message : String(error);
  return (
    <div className="error" role="alert">
      <p className="error-title">{title}</p>
      <p className="error-message">{message}</p>
      {e?.hint && <p className="error-hint">Hint: {e.hint}</p>}
      {e && e.code && (
        <p className="error-meta">
          {e.status > 0 ? `HTTP ${e.status} · ` : ''}code {e.code}
          {e.requestId ? ` · request ${e.requestId}` : ''}
        </p>
      )}
      {retry && (
        <button type="button" className="secondary" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Renders the loading / error / content of one query result. */
export function QueryState<T>({ query, children, what }: {
  query: { isPending: boolean; error: unknown; data: T | undefined; refetch: () => unknown };
  children: (data: T) => ReactNode;
  what?: string;
}) {
  if (query.isPending) return <Loading what={what} />;
  if (query.error) return <ErrorNotice error={query.error} retry={() => void query.refetch()} />;
  return <>{children(query.data as T)}</>;
}
