import {
  Button,
  ExtendedNav,
  GridContainer,
  Header,
  NavMenuButton,
  SiteAlert,
  Title,
} from '@trussworks/react-uswds';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useLocation } from '../router';
import { can, Permission, ROLE_LABELS, type SessionContextValue } from '../session';
import { AppLink } from './AppLink';

interface LayoutProps {
  /** Null on the sign-in page: no navigation. */
  session: SessionContextValue | null;
  children: ReactNode;
}

/** Each item shows only to roles with its permission, so the navigation offers only what works. */
const NAV = [
  {
    href: '/',
    label: 'Search',
    testId: 'nav-search',
    permission: Permission.PersonSearch,
    match: (p: string) => p === '/' || p.startsWith('/people/'),
  },
  {
    href: '/ingest',
    label: 'Ingest jobs',
    testId: 'nav-ingest',
    permission: Permission.IngestView,
    match: (p: string) => p.startsWith('/ingest'),
  },
  {
    href: '/departures',
    label: 'Departures',
    testId: 'nav-departures',
    permission: Permission.DepartureFeed,
    match: (p: string) => p === '/departures',
  },
  {
    href: '/reviews',
    label: 'Review queue',
    testId: 'nav-reviews',
    permission: Permission.ReviewView,
    match: (p: string) => p.startsWith('/reviews') || p === '/match-model',
  },
  {
    href: '/reports/overstays',
    label: 'Overstay report',
    testId: 'nav-overstay-report',
    permission: Permission.ReportView,
    match: (p: string) => p.startsWith('/reports/'),
  },
];

export function Layout({ session, children }: LayoutProps) {
  const { pathname } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const first = useRef(true);

  // After a route change, close the mobile menu and move focus to the new page's content.
  useEffect(() => {
    setMenuOpen(false);
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main-content')?.focus({ preventScroll: true });
  }, [pathname]);

  const signedIn = session?.session;
  const primaryItems = NAV.filter((item) => signedIn && can(signedIn, item.permission)).map((item) => {
    const current = item.match(pathname);
    return (
      <AppLink
        key={item.href}
        href={item.href}
        className={`usa-nav-link${current ? ' usa-current' : ''}`}
        aria-current={current ? 'page' : undefined}
        data-testid={item.testId}
      >
        <span>{item.label}</span>
      </AppLink>
    );
  });

  const account = session?.session.account;
  const secondaryItems = account
    ? [
        <span key="user" className="passage-user" data-testid="current-user">
          Signed in as <strong>{account.displayName}</strong> ({ROLE_LABELS[account.role]})
        </span>,
      ]
    : [];

  const signOut = () => {
    if (!session) return;
    setSigningOut(true);
    void session.signOut().finally(() => {
      setSigningOut(false);
    });
  };

  return (
    <>
      <a className="usa-skipnav" href="#main-content">
        Skip to main content
      </a>
      <SiteAlert variant="info" slim showIcon aria-label="Data notice" data-testid="synthetic-notice">
        Passage holds synthetic data only. No record here describes a real person.
      </SiteAlert>
      <div className={`usa-overlay${menuOpen ? ' is-visible' : ''}`} />
      <Header extended>
        <div className="usa-navbar">
          <Title id="passage-title">
            <AppLink href="/" className="passage-title-link">
              Passage
            </AppLink>
          </Title>
          {session ? (
            <NavMenuButton
              label="Menu"
              aria-controls="passage-nav"
              aria-expanded={menuOpen}
              onClick={() => {
                setMenuOpen((open) => !open);
              }}
            />
          ) : null}
        </div>
        {session ? (
          <ExtendedNav
            id="passage-nav"
            aria-label="Primary"
            primaryItems={primaryItems}
            secondaryItems={secondaryItems}
            mobileExpanded={menuOpen}
            onToggleMobileNav={() => {
              setMenuOpen((open) => !open);
            }}
          >
            <Button
              type="button"
              outline
              className="passage-sign-out"
              onClick={signOut}
              disabled={signingOut}
              data-testid="sign-out"
            >
              Sign out
            </Button>
          </ExtendedNav>
        ) : null}
      </Header>
      <main id="main-content" tabIndex={-1} className="passage-main">
        <GridContainer containerSize="widescreen" className="padding-y-4">
          {account?.mustChangePassword && pathname !== '/account/password' ? (
            <div
              className="usa-alert usa-alert--warning usa-alert--slim margin-bottom-3"
              data-testid="must-change-password"
            >
              <div className="usa-alert__body">
                <p className="usa-alert__text">
                  Your password was set by an administrator and must be changed.{' '}
                  <AppLink href="/account/password">Change your password</AppLink>
                </p>
              </div>
            </div>
          ) : null}
          {children}
        </GridContainer>
      </main>
      <footer className="usa-footer usa-footer--slim">
        <div className="usa-footer__secondary-section">
          <GridContainer containerSize="widescreen">
            <p className="margin-0" data-testid="footer-text">
              Passage — synthetic data only
            </p>
          </GridContainer>
        </div>
      </footer>
    </>
  );
}
