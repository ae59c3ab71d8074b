import type { Clock } from '../../domain/clock.ts'
import type { SuppressionEntry, SuppressionFilter, SuppressionKey, SuppressionStore } from '../types.ts'
import { pageOf } from './paging.ts'
import { tableOf } from './table-of.ts'

const keyOf = (k: SuppressionKey) => `${k.type}:${k.value}`

export function isLive(entry: SuppressionEntry, nowMs: number): boolean {
  return !entry.expiresAt || Date.parse(entry.expiresAt) > nowMs
}

export function matchesFilter(e: SuppressionEntry, f: SuppressionFilter): boolean {
  if (f.type && e.type !== f.type) return false
  if (f.reason && e.reason !== f.reason) return false
  if (f.since && e.createdAt < f.since) return false
  if (f.until && e.createdAt >= f.until) return false
  if (f.domain) {
    const d = f.domain.toLowerCase()
    if (e.type === 'domain' ? e.value !== d : !e.value.endsWith(`@${d}`)) return false
  }
  return true
}

/** Per-sandbox suppression list; entries kept in insertion order so pages are stable. */
export function memorySuppression({ clock }: { clock: Clock }): SuppressionStore & {
  table(sandbox: string): Map<string, SuppressionEntry>
  /** Synchronous match, so that the memory accept step stays atomic. */
  matchNow(sandbox: string, keys: SuppressionKey[]): SuppressionEntry | null
} {
  const lists = new Map<string, Map<string, SuppressionEntry>>()
  const softBounces = new Map<string, number>()
  const table = (sandbox: string) => {
    return tableOf(lists, sandbox, () => new Map())
  }
  const matching = (sandbox: string, filter: SuppressionFilter) =>
    [...table(sandbox).values()].filter((e) => matchesFilter(e, filter))

  function matchNow(sandbox: string, keys: SuppressionKey[]): SuppressionEntry | null {
    const t = table(sandbox)
    const now = clock.now()
    for (const k of keys) {
      const e = t.get(keyOf(k))
      if (e && isLive(e, now)) return e
    }
    return null
  }

  return {
    table,
    async add(sandbox, entries) {
      const t = table(sandbox)
      for (const e of entries) {
        t.delete(keyOf(e))
        t.set(keyOf(e), e)
      }
      return entries
    },
    async get(sandbox, key) {
      const e = table(sandbox).get(keyOf(key))
      return e && isLive(e, clock.now()) ? e : null
    },
    async remove(sandbox, key) {
      softBounces.delete(`${sandbox}\u0000${keyOf(key)}`)
      return table(sandbox).delete(keyOf(key))
    },
    matchNow,
    async match(sandbox, keys) {
      return matchNow(sandbox, keys)
    },
    async list(sandbox, filter, page) {
      return pageOf(matching(sandbox, filter), page, (e) => `${e.createdAt}|${keyOf(e)}`)
    },
    async bulkDelete(sandbox, filter, dryRun) {
      const matched = matching(sandbox, filter)
      if (!dryRun) for (const e of matched) table(sandbox).delete(keyOf(e))
      return matched.length
    },
    async countSoftBounce(sandbox, key) {
      const k = `${sandbox}\u0000${keyOf(key)}`
      const n = (softBounces.get(k) ?? 0) + 1
      softBounces.set(k, n)
      return n
    },
    async resetSoftBounce(sandbox, key) {
      softBounces.delete(`${sandbox}\u0000${keyOf(key)}`)
    },
  }
}
