import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { setUnauthorizedHandler } from '../api/client';
import { clearKey, readKey, storeKey } from '../lib/session';

export interface Session {
  /** The org key, while signed in. */
  readonly orgKey: string | null;
  /** Why the last session ended, when it did not end by "Sign out". */
  readonly notice: string | null;
  signIn(key: string): void;
  signOut(notice?: string): void;
}

const SessionContext = createContext<Session | null>(null);

/** Holds the org key (in sessionStorage, see lib/session.ts) and ends the session on any 401. */
export function SessionProvider({ children }: { readonly children: ReactNode }) {
  const queryClient = useQueryClient();
  const [orgKey, setOrgKey] = useState<string | null>(() => readKey());
  const [notice, setNotice] = useState<string | null>(null);

  const signOut = useCallback(
    (reason?: string) => {
      clearKey();
      queryClient.clear();
      setOrgKey(null);
      setNotice(reason ?? null);
    },
    [queryClient],
  );

  const signIn = useCallback((key: string) => {
    storeKey(key);
    setNotice(null);
    setOrgKey(key);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => signOut('Your org key is no longer accepted (revoked, or unknown). Sign in again.'));
    return () => setUnauthorizedHandler(undefined);
  }, [signOut]);

  const session = useMemo(() => ({ orgKey, notice, signIn, signOut }), [orgKey, notice, signIn, signOut]);
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
