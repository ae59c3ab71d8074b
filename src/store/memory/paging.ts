import type { Page } from '../types.ts'

/**
 * Cursor paging, newest first: items are ordered by `sortKey` descending and the cursor is the sort key
 * of the last item served, so a page stays right when items are added or removed meanwhile.
 */
export function pageOf<T>(items: T[], page: { cursor?: string; limit: number }, sortKey: (item: T) => string): Page<T> {
  const keyed = items
    .map((item) => ({ item, key: sortKey(item) }))
    .sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0))
  const cursor = page.cursor
  const start = cursor === undefined ? 0 : keyed.findIndex((k) => k.key < cursor)
  if (start < 0) return { items: [], nextCursor: null }
  const slice = keyed.slice(start, start + page.limit)
  const more = start + page.limit < keyed.length
  return { items: slice.map((k) => k.item), nextCursor: more ? (slice.at(-1)?.key ?? null) : null }
}
