import type { OutboxEntry } from '../../../adapters/types.ts'
import type { OutboxStore } from '../types.ts'
import type { RedisContext } from './redis-context.ts'

const OUTBOX_KEEP = 1000

/** The sandbox adapters' outbox: a capped list per sandbox, newest first. */
export function redisOutbox({ client, keys }: RedisContext): OutboxStore {
  return {
    async record(entry) {
      const results = await client
        .multi()
        .lpush(keys.outbox(entry.sandbox), JSON.stringify(entry))
        .ltrim(keys.outbox(entry.sandbox), 0, OUTBOX_KEEP - 1)
        .exec()
      for (const [error] of results ?? []) if (error) throw error
    },
    async list(sandbox, filter) {
      const stop = filter.to ? OUTBOX_KEEP - 1 : Math.min(filter.limit, OUTBOX_KEEP) - 1
      if (stop < 0) return []
      const rows = (await client.lrange(keys.outbox(sandbox), 0, stop)).map((json) => JSON.parse(json) as OutboxEntry)
      return rows.filter((e) => !filter.to || e.to === filter.to).slice(0, filter.limit)
    },
  }
}
