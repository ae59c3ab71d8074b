import type { Clock } from '../../domain/clock.ts'
import type { Lane } from '../../domain/message.ts'
import type { DispatchQueue, QueueItem } from '../types.ts'

interface Entry {
  item: QueueItem
  dueAt: number
  seq: number
  leasedUntil?: number
}

/** In-process dispatch queue with the Redis queue's semantics: due order (FIFO at equal times), leases. */
export function memoryQueue({ clock }: { clock: Clock }): DispatchQueue {
  const entries = new Map<string, Entry>()
  let seq = 0
  const keyOf = (item: QueueItem) => `${item.sandbox}\u0000${item.id}`

  return {
    async enqueue(item, atMs) {
      entries.set(keyOf(item), { item, dueAt: atMs, seq: seq++ })
    },
    async claim(lane: Lane, max, leaseMs) {
      const now = clock.now()
      const due: Entry[] = []
      for (const e of entries.values()) {
        if (e.item.lane !== lane) continue
        const readyAt = e.leasedUntil ?? e.dueAt
        if (readyAt <= now) due.push(e)
      }
      due.sort((a, b) => (a.leasedUntil ?? a.dueAt) - (b.leasedUntil ?? b.dueAt) || a.seq - b.seq)
      return due.slice(0, max).map((e) => {
        e.leasedUntil = now + leaseMs
        return e.item
      })
    },
    async ack(item) {
      entries.delete(keyOf(item))
    },
    async defer(item, atMs) {
      entries.set(keyOf(item), { item, dueAt: atMs, seq: seq++ })
    },
    async depth() {
      const out: Record<Lane, number> = { fast: 0, slow: 0 }
      for (const e of entries.values()) out[e.item.lane]++
      return out
    },
    async nextDueInMs() {
      let next: number | null = null
      for (const e of entries.values()) {
        const at = e.leasedUntil ?? e.dueAt
        if (next === null || at < next) next = at
      }
      return next === null ? null : Math.max(0, next - clock.now())
    },
  }
}
