import { useCallback, useEffect, useState } from 'react';
import { isAbort, toApiError, type ApiError } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `deps` change (aborting the previous run) and exposes its result. */
export function useApi<T>(
  load: ((signal: AbortSignal) => Promise<T>) | null,
  deps: readonly unknown[],
): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: ApiError | undefined; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: load !== null,
  });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!load) {
      setState({ data: undefined, error: undefined, loading: false });
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ data: s.data, error: undefined, loading: true }));
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, error: undefined, loading: false });
      },
      (err: unknown) => {
        if (controller.signal.aborted || isAbort(err)) return;
        setState({ data: undefined, error: toApiError(err), loading: false });
      },
    );
    return () => {
      controller.abort();
    };
    // Callers list what `load` depends on in `deps`.
  }, [...deps, attempt]);

  const reload = useCallback(() => {
    setAttempt((n) => n + 1);
  }, []);
  return { ...state, reload };
}

/** Sets document.title for the page. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} — Passage`;
  }, [title]);
}
