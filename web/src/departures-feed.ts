/**
 * The live departures feed: server-sent events from /api/departures/feed, newest first, the last
 * MAX_ROWS kept. The browser's EventSource reconnects by itself after a dropped connection; when
 * the server refuses the stream (session ended, role without the feed) it stays closed, and the
 * session is checked so that an ended session goes to sign-in as anywhere else.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, DEPARTURES_FEED_URL } from './api';
import type { DepartureEvent } from './types';

export const MAX_ROWS = 200;
/** Screen readers hear the counts at most this often, never once per event. */
const ANNOUNCE_EVERY_MS = 15_000;

export type FeedState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface FeedEntry {
  seq: number;
  event: DepartureEvent;
}

export interface DepartureFeed {
  state: FeedState;
  entries: FeedEntry[];
  /** Events received since the page opened. */
  received: number;
  paused: boolean;
  /** Events held back while paused. */
  waiting: number;
  /** The counts as last announced (changes at most every ANNOUNCE_EVERY_MS). */
  announcement: string;
  setPaused: (paused: boolean) => void;
  reconnect: () => void;
}

function parse(data: unknown): DepartureEvent | null {
  if (typeof data !== 'string') return null;
  try {
    const value = JSON.parse(data) as Partial<DepartureEvent> | null;
    if (!value || typeof value.at !== 'string' || typeof value.source !== 'string') return null;
    const result = value.result;
    if (typeof result !== 'object' || typeof result.status !== 'string') return null;
    return value as DepartureEvent;
  } catch {
    return null;
  }
}

/**
 * Subscribes to the departures stream while mounted (and `enabled`): `onEvent` gets each departure
 * as it is processed. Returns the connection state and a way to connect again after the server
 * closed the stream.
 */
export function useDepartureStream(
  onEvent: (event: DepartureEvent) => void,
  enabled = true,
): { state: FeedState; reconnect: () => void } {
  const [state, setState] = useState<FeedState>('connecting');
  const [attempt, setAttempt] = useState(0);
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  }, [onEvent]);

  useEffect(() => {
    if (!enabled) return;
    setState('connecting');
    const source = new EventSource(DEPARTURES_FEED_URL);
    source.onopen = () => {
      setState('live');
    };
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        setState('closed');
        // A 401 here sends the user to sign in; any other answer leaves the "closed" notice.
        api.checkSession().catch(() => undefined);
      } else {
        setState('reconnecting');
      }
    };
    source.addEventListener('departure', (message: MessageEvent) => {
      const event = parse(message.data);
      if (event) handler.current(event);
    });
    return () => {
      source.close();
    };
  }, [attempt, enabled]);

  const reconnect = useCallback(() => {
    setAttempt((n) => n + 1);
  }, []);
  return { state, reconnect };
}

export function useDepartureFeed(): DepartureFeed {
  const [entries, setEntries] = useState<FeedEntry[]>([]);
  const [received, setReceived] = useState(0);
  const [paused, setPausedState] = useState(false);
  const [held, setHeld] = useState<FeedEntry[]>([]);
  const [waiting, setWaiting] = useState(0);
  const [announcement, setAnnouncement] = useState('');
  const pausedRef = useRef(false);
  const seq = useRef(0);
  const counts = useRef({ received: 0, waiting: 0, announced: 0 });

  const { state, reconnect } = useDepartureStream(
    useCallback((event: DepartureEvent) => {
      const entry = { seq: ++seq.current, event };
      counts.current.received += 1;
      setReceived(counts.current.received);
      if (pausedRef.current) {
        counts.current.waiting += 1;
        setWaiting(counts.current.waiting);
        setHeld((h) => [entry, ...h].slice(0, MAX_ROWS));
      } else {
        setEntries((e) => [entry, ...e].slice(0, MAX_ROWS));
      }
    }, []),
  );

  useEffect(() => {
    const timer = window.setInterval(() => {
      const c = counts.current;
      if (c.received === c.announced) return;
      const fresh = c.received - c.announced;
      c.announced = c.received;
      setAnnouncement(
        `${fresh} new ${fresh === 1 ? 'departure' : 'departures'}; ${c.received} received since you opened this page` +
          (pausedRef.current ? `; ${c.waiting} waiting while paused.` : '.'),
      );
    }, ANNOUNCE_EVERY_MS);
    return () => {
      window.clearInterval(timer);
    };
  }, []);

  const setPaused = useCallback(
    (next: boolean) => {
      pausedRef.current = next;
      setPausedState(next);
      if (!next) {
        setEntries((e) => [...held, ...e].slice(0, MAX_ROWS));
        setHeld([]);
        counts.current.waiting = 0;
        setWaiting(0);
      }
    },
    [held],
  );

  return { state, entries, received, paused, waiting, announcement, setPaused, reconnect };
}
