import { useEffect, useState } from 'react';

/** The cursors of the pages visited so far (the first page has none); starts over when `reset` changes. */
export function useCursorPages(reset: unknown) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  useEffect(() => setCursors([undefined]), [reset]);
  return {
    page: cursors.length - 1,
    cursor: cursors[cursors.length - 1],
    next: (cursor: string) => setCursors([...cursors, cursor]),
    previous: () => setCursors(cursors.length > 1 ? cursors.slice(0, -1) : cursors),
  };
}
