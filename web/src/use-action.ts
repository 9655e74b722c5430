import { useCallback, useState } from 'react';
import { toApiError, type ApiError } from './api';

export interface Action {
  busy: boolean;
  error: ApiError | null;
  /** Runs a write; resolves to its result, or to undefined when it failed (the error is kept). */
  run: <T>(write: () => Promise<T>) => Promise<T | undefined>;
}

/** State of one write (a decision, a merge, an undo): busy while it runs, its error afterwards. */
export function useAction(): Action {
  const [state, setState] = useState<{ busy: boolean; error: ApiError | null }>({ busy: false, error: null });
  const run = useCallback(async <T>(write: () => Promise<T>): Promise<T | undefined> => {
    setState({ busy: true, error: null });
    try {
      const result = await write();
      setState({ busy: false, error: null });
      return result;
    } catch (err) {
      setState({ busy: false, error: toApiError(err) });
      return undefined;
    }
  }, []);
  return { ...state, run };
}
