// Data loading for views: one request at a time, its error kept for the view to show.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Page } from './api';

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => Promise<void>;
}

/** Loads `fetcher` now, again when `deps` change, and every `refreshMs` when given. */
export function useLoad<T>(fetcher: () => Promise<T>, deps: unknown[], refreshMs?: number): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(fetcher);
  latest.current = fetcher;
  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setData(await latest.current());
      setError(null);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void reload();
    if (!refreshMs) return;
    const timer = setInterval(() => void reload(), refreshMs);
    return () => clearInterval(timer);
  }, deps);
  return { data, error, loading, reload };
}

export interface Pages<T> extends Loaded<T[]> {
  /** The first page and every page loaded after it. */
  rows: T[];
  hasMore: boolean;
  loadMore: () => Promise<void>;
}

/** A cursor-paged list (SPEC §3): the first page as `useLoad` does, further pages on demand. */
export function usePages<T>(
  fetchPage: (cursor: string | null) => Promise<Page<T>>,
  deps: unknown[],
  refreshMs?: number,
): Pages<T> {
  const [more, setMore] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const first = useLoad(
    async () => {
      const page = await fetchPage(null);
      setMore([]);
      setCursor(page.nextCursor);
      return page.items;
    },
    deps,
    refreshMs,
  );
  const loadMore = async () => {
    if (!cursor) return;
    const page = await fetchPage(cursor);
    setMore((items) => [...items, ...page.items]);
    setCursor(page.nextCursor);
  };
  return { ...first, rows: [...(first.data ?? []), ...more], hasMore: cursor !== null, loadMore };
}

export interface Selection {
  selected: Set<string>;
  toggle: (id: string) => void;
  select: (ids: string[]) => void;
}

/** The rows a person ticked, for actions on several at once. */
export function useSelection(): Selection {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return { selected, toggle, select: (ids) => setSelected(new Set(ids)) };
}
