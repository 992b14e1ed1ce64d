/** "Previous page" / "Next page" over cursor pages; `label` names the list for assistive technology. */
export function Pager({ label, page, hasNext, onPrevious, onNext }: { readonly label: string; readonly page: number; readonly hasNext: boolean; readonly onPrevious: () => void; readonly onNext: () => void }) {
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" disabled={page === 0} onClick={onPrevious}>
        Previous page
      </button>
      <span>Page {page + 1}</span>
      <button type="button" disabled={!hasNext} onClick={onNext}>
        Next page
      </button>
    </nav>
  );
}
