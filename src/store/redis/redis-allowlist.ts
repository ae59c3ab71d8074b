import type { Allowlist, AllowlistStore } from '../types.ts'
import type { RedisContext } from './redis-context.ts'

/** The email allowlist: the list as given (for reads) plus a flag and a set that the intake script checks. */
export function redisAllowlist({ client, keys }: RedisContext): AllowlistStore {
  return {
    async get(sandbox) {
      const json = await client.get(keys.allowlist(sandbox))
      return json ? (JSON.parse(json) as Allowlist) : { enabled: false, entries: [] }
    },
    async set(sandbox, list) {
      const tx = client
        .multi()
        .set(keys.allowlist(sandbox), JSON.stringify(list))
        .set(keys.allowlistOn(sandbox), list.enabled ? '1' : '0')
        .del(keys.allowlistSet(sandbox))
      if (list.entries.length > 0) tx.sadd(keys.allowlistSet(sandbox), ...list.entries)
      const results = (await tx.exec()) ?? []
      for (const [error] of results) if (error) throw error
      return list
    },
  }
}
