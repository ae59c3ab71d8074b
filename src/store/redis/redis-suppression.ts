import { matchesFilter } from '../memory/memory-suppression.ts'
import type { SuppressionEntry, SuppressionFilter, SuppressionKey, SuppressionStore } from '../types.ts'
import type { RedisContext } from './redis-context.ts'

const BATCH = 500

/** The hash field of an entry, also its soft-bounce counter field. */
export const suppressionField = (k: SuppressionKey) => `${k.type}:${k.value}`

/** Domain index of an entry: the domain itself, or what follows the last `@` of an email address. */
function domainOf(e: SuppressionKey): string {
  if (e.type === 'domain') return e.value.toLowerCase()
  if (e.type !== 'email') return ''
  const at = e.value.lastIndexOf('@')
  return at < 0 ? '' : e.value.slice(at + 1).toLowerCase()
}

/**
 * The per-sandbox suppression list: a hash of entries plus indexes by createdAt, by reason and by domain.
 * List, export and bulk delete walk the narrowest index for the filter, so their cost follows the rows
 * they return rather than the list's size (SPEC section 7).
 */
export function redisSuppression({ client, keys, run, offset }: RedisContext): SuppressionStore {
  const stateKeys = (sandbox: string) => [
    keys.suppressions(sandbox),
    keys.suppressionExpiries(sandbox),
    keys.suppressionMeta(sandbox),
    keys.suppressionIndex(sandbox),
  ]

  async function match(sandbox: string, list: SuppressionKey[]): Promise<SuppressionEntry | null> {
    if (list.length === 0) return null
    const json = (await run(
      'match-suppression',
      [keys.suppressions(sandbox), keys.suppressionExpiries(sandbox)],
      [offset(), ...list.map(suppressionField)],
    )) as string | null
    return json ? (JSON.parse(json) as SuppressionEntry) : null
  }

  /** Walks the narrowest index newest first from `cursor`, yielding entries matching the filter. */
  async function* walk(sandbox: string, filter: SuppressionFilter, cursor?: string) {
    const index = filter.reason
      ? keys.suppressionReasonIndex(sandbox, filter.reason)
      : filter.domain
        ? keys.suppressionDomainIndex(sandbox, filter.domain.toLowerCase())
        : keys.suppressionIndex(sandbox)
    let upper = cursor
    if (filter.until !== undefined && (upper === undefined || filter.until < upper)) upper = filter.until
    let max = upper === undefined ? '+' : `(${upper}`
    const min = filter.since === undefined ? '-' : `[${filter.since}`
    for (;;) {
      const members = await client.zrevrangebylex(index, max, min, 'LIMIT', 0, BATCH)
      if (members.length === 0) return
      const fields = members.map((m) => m.slice(m.indexOf('|') + 1))
      const rows = await client.hmget(keys.suppressions(sandbox), ...fields)
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]
        if (!row) continue
        const entry = JSON.parse(row) as SuppressionEntry
        if (matchesFilter(entry, filter)) yield { entry, member: members[i] as string }
      }
      if (members.length < BATCH) return
      max = `(${members.at(-1)}`
    }
  }

  async function remove(sandbox: string, fields: string[]): Promise<number> {
    let removed = 0
    for (let i = 0; i < fields.length; i += BATCH)
      removed += (await run(
        'remove-suppressions',
        [...stateKeys(sandbox), keys.softBounces(sandbox)],
        [keys.base(sandbox), ...fields.slice(i, i + BATCH)],
      )) as number
    return removed
  }

  return {
    async add(sandbox, entries) {
      if (entries.length === 0) return entries
      const args: string[] = []
      for (const e of entries)
        args.push(
          suppressionField(e),
          JSON.stringify(e),
          `${e.createdAt}|${suppressionField(e)}`,
          e.reason,
          domainOf(e),
          e.expiresAt ? String(Date.parse(e.expiresAt)) : '',
        )
      for (let i = 0; i < args.length; i += 6 * BATCH)
        await run('add-suppressions', stateKeys(sandbox), [keys.base(sandbox), ...args.slice(i, i + 6 * BATCH)])
      return entries
    },
    get: (sandbox, key) => match(sandbox, [key]),
    async remove(sandbox, key) {
      return (await remove(sandbox, [suppressionField(key)])) > 0
    },
    match,
    async list(sandbox, filter, page) {
      const items: SuppressionEntry[] = []
      let lastMember: string | undefined
      for await (const { entry, member } of walk(sandbox, filter, page.cursor)) {
        if (items.length === page.limit) return { items, nextCursor: lastMember ?? null }
        items.push(entry)
        lastMember = member
      }
      return { items, nextCursor: null }
    },
    async bulkDelete(sandbox, filter, dryRun) {
      const fields: string[] = []
      for await (const { entry } of walk(sandbox, filter)) fields.push(suppressionField(entry))
      if (!dryRun) await remove(sandbox, fields)
      return fields.length
    },
    async countSoftBounce(sandbox, key) {
      return client.hincrby(keys.softBounces(sandbox), suppressionField(key), 1)
    },
    async resetSoftBounce(sandbox, key) {
      await client.hdel(keys.softBounces(sandbox), suppressionField(key))
    },
  }
}
