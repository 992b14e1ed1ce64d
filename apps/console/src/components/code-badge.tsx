/** A decision code, green when it allows, red when it denies. */
export function CodeBadge({ code }: { readonly code: string }) {
  return <span className={code === 'ALLOW' ? 'badge allow' : 'badge deny'}>{code}</span>;
}
