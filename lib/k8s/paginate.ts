// Lists are always read in pages (limit + continue) so a large cluster never produces one huge
// response; this helper walks the pages and guards against a server that loops its continue token.
import 'server-only';

export const PAGE_SIZE = 500;
/** Hard stop: 200 pages of 500 = 100k objects, far beyond what a page should render. */
export const MAX_PAGES = 200;

export interface Page<T> {
  items: T[];
  metadata?: { _continue?: string; resourceVersion?: string };
}

export async function listAllPages<T>(
  fetchPage: (params: { limit: number; _continue?: string }) => Promise<Page<T>>,
  opts: { pageSize?: number; maxPages?: number } = {},
): Promise<{ items: T[]; resourceVersion?: string; truncated: boolean }> {
  const limit = opts.pageSize ?? PAGE_SIZE;
  const maxPages = opts.maxPages ?? MAX_PAGES;
  const items: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  let resourceVersion: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const res = await fetchPage(token ? { limit, _continue: token } : { limit });
    items.push(...res.items);
    if (page === 0) resourceVersion = res.metadata?.resourceVersion;
    token = res.metadata?._continue || undefined;
    if (!token) return { items, resourceVersion, truncated: false };
    if (seen.has(token)) break; // a repeating continue token would loop forever
    seen.add(token);
  }
  return { items, resourceVersion, truncated: true };
}
