/**
 * The one way the app talks to the API: same origin, JSON in and out, the bearer token added and
 * refreshed, and every failure thrown as an ApiError carrying the server's message and hint.
 */
import { ApiError, apiErrorOf, networkError } from './errors.ts';
import { freshSession, localSessionStore, sessionOf, type Session, type SessionStore } from './session.ts';

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  query?: Query;
  body?: unknown;
  /** A body already serialised (by a library that builds its own requests). */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Send without a token (sign-in, sign-up). */
  anonymous?: boolean;
  signal?: AbortSignal;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

type Listener = (s: Session | null, reason?: string) => void;

export class Api {
  private listeners = new Set<Listener>();

  constructor(readonly store: SessionStore = localSessionStore(), private readonly fetchFn: typeof fetch = (...a) => fetch(...a)) {}

  session(): Session | null {
    return this.store.read();
  }

  onSession(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  setSession(s: Session | null, reason?: string): void {
    this.store.write(s);
    for (const l of this.listeners) l(s, reason);
  }

  /** A raw Response (after the auth dance), for downloads and streams. */
  async response(path: string, opts: RequestOptions = {}): Promise<Response> {
    const send = (token: string | null) => this.send(path, opts, token);
    if (opts.anonymous) return this.checked(await send(null));
    const s = await this.usableSession(false);
    let res = await send(s?.access_token ?? null);
    if (res.status === 401 && s) {
      // The access token expired or was refused: one forced refresh, then one retry.
      const again = await this.usableSession(true);
      if (again) res = await send(again.access_token);
    }
    return this.checked(res);
  }

  async request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.response(path, opts);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A list with its total (Prefer: count=exact → Content-Range). */
  async page<T>(path: string, query?: Query): Promise<{ rows: T[]; total: number | null }> {
    const res = await this.response(path, { query, headers: { prefer: 'count=exact' } });
    const rows = (await res.json()) as T[];
    const total = /\/(\d+)$/.exec(res.headers.get('content-range') ?? '')?.[1];
    return { rows, total: total === undefined ? null : Number(total) };
  }

  /**
   * A fetch for libraries that build their own requests (the AI SDK's chat transport): the same
   * token, refresh and ApiError as every other call.
   */
  readonly fetcher = (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> =>
    this.response(String(input), {
      method: (init.method ?? 'GET') as RequestOptions['method'],
      rawBody: typeof init.body === 'string' ? init.body : undefined,
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      signal: init.signal ?? undefined,
    });

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>(path, { query });
  }
  post<T>(path: string, body?: unknown, query?: Query): Promise<T> {
    return this.request<T>(path, { method: 'POST', body, query });
  }
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>(path, { method: 'PATCH', body });
  }
  delete(path: string, query?: Query): Promise<void> {
    return this.request<void>(path, { method: 'DELETE', query });
  }

  async signIn(email: string, password: string): Promise<Session> {
    const body = await this.request<unknown>('/auth/v1/token', { method: 'POST', query: { grant_type: 'password' }, body: { email, password }, anonymous: true });
    const s = sessionOf(body);
    this.setSession(s);
    return s;
  }

  async signUp(email: string, password: string, name: string): Promise<Session> {
    const data = name ? { name } : undefined;
    const body = await this.request<unknown>('/auth/v1/signup', { method: 'POST', body: { email, password, data }, anonymous: true });
    const s = sessionOf(body);
    this.setSession(s);
    return s;
  }

  async signOut(): Promise<void> {
    try {
      if (this.session()) await this.request('/auth/v1/logout', { method: 'POST' });
    } finally {
      this.setSession(null);
    }
  }

  private async usableSession(force: boolean): Promise<Session | null> {
    try {
      const before = this.store.read();
      const s = await freshSession(this.store, (t) => this.refresh(t), force);
      if (s && s !== before) for (const l of this.listeners) l(s);
      return s;
    } catch (e) {
      if (e instanceof ApiError && e.status >= 400 && e.status < 500) {
        // The refresh token was spent or revoked: the session is over.
        this.setSession(null, 'Your session has ended. Please sign in again.');
        throw new ApiError(401, 'session_ended', 'Your session has ended. Please sign in again.', e.message);
      }
      throw e;
    }
  }

  private async refresh(refreshToken: string): Promise<Session> {
    const res = await this.checked(await this.send('/auth/v1/token', { method: 'POST', query: { grant_type: 'refresh_token' }, body: { refresh_token: refreshToken } }, null));
    return sessionOf(await res.json());
  }

  private async send(path: string, opts: RequestOptions, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    const body = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    try {
      return await this.fetchFn(withQuery(path, opts.query), {
        method: opts.method ?? 'GET',
        headers,
        body,
        signal: opts.signal,
      });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw networkError(e);
    }
  }

  private async checked(res: Response): Promise<Response> {
    if (res.ok) return res;
    throw apiErrorOf(res.status, await res.text(), res.headers.get('x-request-id'));
  }
}

export const api = new Api();
