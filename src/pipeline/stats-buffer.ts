import type { MessageStatus } from '../domain/message.ts'
import type { StatsStore } from '../store/types.ts'

const BUCKET_MS = 1000

/**
 * Dispatch-side traffic counts, added up in process and written once a second: a status change then costs
 * no Redis round trip of its own. (Intake outcomes are counted by the store's accept step itself.) A crash
 * loses at most the last second of counts — they feed a chart, not a ledger.
 */
export function createStatsBuffer({ stats, flushEveryMs = 1000 }: { stats: StatsStore; flushEveryMs?: number }) {
  let pending = new Map<string, { sandbox: string; status: MessageStatus; atMs: number; n: number }>()
  let timer: NodeJS.Timeout | null = null

  async function flush(): Promise<void> {
    const batch = pending
    pending = new Map()
    await Promise.allSettled([...batch.values()].map((c) => stats.bump(c.sandbox, c.status, c.atMs, c.n)))
  }

  return {
    add(sandbox: string, status: MessageStatus, atMs: number): void {
      const bucket = Math.floor(atMs / BUCKET_MS) * BUCKET_MS
      const key = `${sandbox}\u0000${status}\u0000${bucket}`
      const entry = pending.get(key)
      if (entry) entry.n++
      else pending.set(key, { sandbox, status, atMs: bucket, n: 1 })
      if (!timer) {
        timer = setTimeout(() => {
          timer = null
          void flush()
        }, flushEveryMs)
        timer.unref()
      }
    },
    async stop(): Promise<void> {
      if (timer) clearTimeout(timer)
      timer = null
      await flush()
    },
  }
}
