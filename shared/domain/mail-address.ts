/** The address part of a From: header text (`张三 <Zhang@Example.cn>` → `zhang@example.cn`), lower-cased. */
export function addressOf(from: string | null): string | null {
  if (!from) return null;
  const angle = /<([^<>@\s]+@[^<>\s]+)>/.exec(from)?.[1];
  const bare = /([^\s<>"]+@[^\s<>"]+)/.exec(from)?.[1];
  return (angle ?? bare)?.toLowerCase() ?? null;
}
