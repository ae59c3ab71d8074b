import { statsSeries } from '../stats-series.ts'
import type { StatsStore } from '../types.ts'
import type { RedisContext } from './redis-context.ts'

const BUCKET_MS = 1000
const KEY_MS = 60_000
export const STATS_KEEP_MS = 25 * 3600_000
/** The 1 s bucket a status change at `atMs` counts in, and the minute hash that holds it. */
export const statsBucketOf = (atMs: number) => Math.floor(atMs / BUCKET_MS) * BUCKET_MS
export const statsMinuteOf = (atMs: number) => Math.floor(atMs / KEY_MS) * KEY_MS

/** Status-change counts in 1 s buckets, one hash per sandbox and minute (`<bucketMs>|<status>` fields). */
export function redisStats({ client, keys }: RedisContext): StatsStore {
  return {
    async bump(sandbox, status, atMs, n = 1) {
      const key = keys.stats(sandbox, statsMinuteOf(atMs))
      const results = await client
        .multi()
        .hincrby(key, `${statsBucketOf(atMs)}|${status}`, n)
        .pexpire(key, STATS_KEEP_MS)
        .exec()
      for (const [error] of results ?? []) if (error) throw error
    },
    async series(sandbox, sinceMs, untilMs, stepMs) {
      const start = Math.floor(sinceMs / stepMs) * stepMs
      const counts = new Map<number, Record<string, number>>()
      const pipeline = client.pipeline()
      const first = Math.floor(start / KEY_MS) * KEY_MS
      for (let minute = first; minute < untilMs; minute += KEY_MS) pipeline.hgetall(keys.stats(sandbox, minute))
      for (const [error, hash] of (await pipeline.exec()) ?? []) {
        if (error) throw error
        for (const [field, n] of Object.entries(hash as Record<string, string>)) {
          const sep = field.indexOf('|')
          const bucket = Number(field.slice(0, sep))
          const byStatus = counts.get(bucket) ?? {}
          byStatus[field.slice(sep + 1)] = Number(n)
          counts.set(bucket, byStatus)
        }
      }
      return statsSeries((b) => counts.get(b), { sinceMs, untilMs, stepMs, bucketMs: BUCKET_MS })
    },
  }
}
