import { useCallback } from 'react';
import { NavLink, Outlet } from 'react-router';
import { SignInPage } from '../features/auth/components/sign-in-page';
import { LastActionBanner } from '../features/propagation/components/last-action-banner';
import { KillActionsProvider } from '../lib/kill-actions';
import { useLiveUpdates } from './live-updates';
import { useSession } from './session';

const LIVE_TEXT = { off: '', connecting: 'Connecting live updates…', live: 'Live', retrying: 'Live updates interrupted, reconnecting…' } as const;

/** The frame of every screen: the navigation, the live-updates state, "Sign out", the last kill action's propagation; the sign-in form while signed out. */
export function Layout() {
  const { orgKey, notice, signIn, signOut } = useSession();
  const ended = useCallback(() => signOut('Your org key is no longer accepted (revoked, or unknown). Sign in again.'), [signOut]);
  const live = useLiveUpdates(orgKey, ended);

  if (!orgKey) {
    return (
      <main id="main" className="sign-in">
        <SignInPage notice={notice} onSignedIn={signIn} />
      </main>
    );
  }
  return (
    <KillActionsProvider>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top-bar">
        <span className="brand">warden</span>
        <nav aria-label="Main">
          <ul>
            <li>
              <NavLink to="/" end>
                Overview
              </NavLink>
            </li>
            <li>
              <NavLink to="/devices">Devices</NavLink>
            </li>
            <li>
              <NavLink to="/propagation">Propagation</NavLink>
            </li>
            <li>
              <NavLink to="/audit">Audit</NavLink>
            </li>
            <li>
              <NavLink to="/keys">Keys</NavLink>
            </li>
          </ul>
        </nav>
        <p role="status" className={`live live-${live}`}>
          {LIVE_TEXT[live]}
        </p>
        <button type="button" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <LastActionBanner />
        <Outlet />
      </main>
    </KillActionsProvider>
  );
}
