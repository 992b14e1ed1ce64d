import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

/** A kill action the operator took in this console, and the ledger position it was committed at. */
export interface KillAction {
  /** The action's name, as its button says ("Suspend org", "Revoke", "Lock by labels"). */
  readonly name: string;
  /** What it was taken on ("agent-01", "3 devices", "team=search"), for the reader. */
  readonly subject: string;
  readonly position: string;
}

interface KillActions {
  readonly last: KillAction | null;
  record(action: KillAction): void;
  dismiss(): void;
}

const KillActionsContext = createContext<KillActions | null>(null);

/**
 * Remembers the last kill action of this session (in memory only), so the frame can show its
 * propagation report whatever the screen. Mounted while signed in: signing out forgets it.
 */
export function KillActionsProvider({ children }: { readonly children: ReactNode }) {
  const [last, setLast] = useState<KillAction | null>(null);
  const record = useCallback((action: KillAction) => setLast(action), []);
  const dismiss = useCallback(() => setLast(null), []);
  const value = useMemo(() => ({ last, record, dismiss }), [last, record, dismiss]);
  return <KillActionsContext.Provider value={value}>{children}</KillActionsContext.Provider>;
}

export function useKillActions(): KillActions {
  const actions = useContext(KillActionsContext);
  if (!actions) throw new Error('useKillActions outside KillActionsProvider');
  return actions;
}
