import type { ReactNode } from 'react';

/** An error message, announced as it appears. */
export function ErrorAlert({ children }: { readonly children: ReactNode }) {
  return (
    <p role="alert" className="error">
      {children}
    </p>
  );
}
