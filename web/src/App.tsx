import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, setUnauthorizedHandler } from './api';
import { Loading } from './components/ErrorAlert';
import { Layout } from './components/Layout';
import { DeparturesPage } from './pages/DeparturesPage';
import { IngestJobPage } from './pages/IngestJobPage';
import { IngestJobsPage } from './pages/IngestJobsPage';
import { MatchModelPage } from './pages/MatchModelPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OverstayReportPage } from './pages/OverstayReportPage';
import { PasswordPage } from './pages/PasswordPage';
import { PersonPage } from './pages/PersonPage';
import { ReviewPage } from './pages/ReviewPage';
import { ReviewQueuePage } from './pages/ReviewQueuePage';
import { SearchPage } from './pages/SearchPage';
import { SignInPage } from './pages/SignInPage';
import { forgetAllPurposes } from './purpose';
import { matchRoute, navigate, safeNext, signInHref, useLocation, type Route } from './router';
import { SessionContext, type SessionContextValue } from './session';
import type { Session } from './types';

/** undefined while the first session check runs; null when signed out. */
type SessionState = Session | null | undefined;

function currentHref(): string {
  return window.location.pathname + window.location.search;
}

export function App() {
  const location = useLocation();
  const route = matchRoute(location.pathname);
  const [session, setSession] = useState<SessionState>(undefined);

  useEffect(() => {
    const controller = new AbortController();
    api.getSession(controller.signal).then(
      (s) => {
        setSession(s);
      },
      () => {
        if (!controller.signal.aborted) setSession(null);
      },
    );
    return () => {
      controller.abort();
    };
  }, []);

  // Any 401 means the session ended: forget it and ask to sign in, coming back here afterwards.
  useEffect(() => {
    setUnauthorizedHandler(() => {
      setSession(null);
      if (window.location.pathname !== '/sign-in') navigate(signInHref(currentHref()), { replace: true });
    });
    return () => {
      setUnauthorizedHandler(null);
    };
  }, []);

  // Signed out on a page that needs a session: go to sign-in.
  useEffect(() => {
    if (session === null && route.name !== 'signIn') navigate(signInHref(currentHref()), { replace: true });
  }, [session, route.name]);

  // Already signed in on the sign-in page (or just signed in): go on to where the user was going.
  const next = location.query.get('next');
  useEffect(() => {
    if (session && route.name === 'signIn') navigate(safeNext(next), { replace: true });
  }, [session, route.name, next]);

  const refresh = useCallback(async () => {
    setSession(await api.getSession());
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.signOut();
    } catch {
      // The session is gone either way; the server expires it.
    }
    forgetAllPurposes();
    window.sessionStorage.removeItem('passage.lastSearch');
    setSession(null);
    navigate('/sign-in');
  }, []);

  const context = useMemo<SessionContextValue | null>(
    () => (session ? { session, refresh, signOut } : null),
    [session, refresh, signOut],
  );

  if (route.name === 'signIn') {
    return (
      <Layout session={null}>
        <SignInPage onSignedIn={setSession} />
      </Layout>
    );
  }

  if (!context) {
    return (
      <Layout session={null}>
        <h1>Passage</h1>
        <Loading what="your session" />
      </Layout>
    );
  }

  return (
    <SessionContext.Provider value={context}>
      <Layout session={context}>
        <Page route={route} />
      </Layout>
    </SessionContext.Provider>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'search':
      return <SearchPage />;
    case 'person':
      return <PersonPage key={route.id} id={route.id} />;
    case 'ingest':
      return <IngestJobsPage />;
    case 'ingestJob':
      return <IngestJobPage jobId={route.jobId} />;
    case 'password':
      return <PasswordPage />;
    case 'overstayReport':
      return <OverstayReportPage />;
    case 'departures':
      return <DeparturesPage />;
    case 'reviews':
      return <ReviewQueuePage />;
    case 'review':
      return <ReviewPage key={route.id} id={route.id} />;
    case 'matchModel':
      return <MatchModelPage />;
    case 'signIn':
    case 'notFound':
      return <NotFoundPage />;
  }
}
