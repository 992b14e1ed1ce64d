/**
 * Runs a cancellable wait with a deadline: `wait` gets a signal that aborts after `ms` (with
 * `onTimeout()` as its reason) or as soon as `abandoned` aborts (with its reason), and must
 * drop whatever it holds when that signal aborts. Unlike racing a promise against a timer,
 * a wait that times out leaves nothing behind.
 */
export async function withDeadline<T>(
  wait: (signal: AbortSignal) => Promise<T>,
  ms: number,
  onTimeout: () => Error,
  abandoned?: AbortSignal,
): Promise<T> {
  if (abandoned?.aborted) throw abandoned.reason;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(onTimeout()), ms);
  const onAbandoned = () => deadline.abort(abandoned!.reason);
  abandoned?.addEventListener('abort', onAbandoned, { once: true });
  try {
    return await wait(deadline.signal);
  } finally {
    clearTimeout(timer);
    abandoned?.removeEventListener('abort', onAbandoned);
  }
}
