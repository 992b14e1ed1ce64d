import { errorMessage } from '../api/client';
import { ErrorAlert } from './error-alert';

/** What a screen shows while its data loads, or when loading failed. */
export function QueryState({ isPending, error, what }: { readonly isPending: boolean; readonly error: unknown; readonly what: string }) {
  if (error) return <ErrorAlert>{`Could not load ${what}: ${errorMessage(error)}`}</ErrorAlert>;
  if (isPending) return <p role="status">Loading {what}…</p>;
  return null;
}
