import type { Lane } from '../../domain/message.ts'
import type { DispatchQueue, QueueItem } from '../types.ts'
import type { RedisContext } from './redis-context.ts'

const lanes: readonly Lane[] = ['fast', 'slow']

/** `sandbox\nid`: the queue member's identity (sandbox names and ids hold no newline). */
export const queueItemKey = (item: Pick<QueueItem, 'sandbox' | 'id'>) => `${item.sandbox}\n${item.id}`

/**
 * The durable dispatch queue: per lane one sorted set scored by due time (members `seq|sandbox\nid`,
 * so equal due times come out FIFO); a claim re-scores the member to its lease end, so an item whose
 * process died becomes claimable again; ack removes it.
 *
 * Placement. On a single node the queue is global (`{q}` tag), and the intake script writes it in the
 * same call as the sandbox's keys: one round trip per accepted message. A cluster cannot run one script
 * over two slots, so there each sandbox has its own queue in its own slot (the intake script stays one
 * call) and `{q}:active` lists the sandboxes that ever queued work: intake adds the sandbox with a second
 * command the first time this process sees it, and claims visit every listed sandbox, fast-lane order
 * holding within each sandbox. Sandboxes are tenants, few and long-lived, so the list is never pruned.
 */
export function redisQueue({ client, keys, run, offset, cluster }: RedisContext): DispatchQueue & {
  /** The queue tag of a sandbox's items (null: the global single-node queue). */
  tagOf(sandbox: string): string | null
  /** Cluster mode: makes sure claims visit the sandbox's queue. */
  activate(sandbox: string): Promise<void>
} {
  const active = new Set<string>()
  let rotation = 0
  const tagOf = (sandbox: string) => (cluster ? sandbox : null)

  async function activate(sandbox: string): Promise<void> {
    if (!cluster || active.has(sandbox)) return
    await client.sadd(keys.activeQueues, sandbox)
    active.add(sandbox)
  }

  async function tags(): Promise<(string | null)[]> {
    if (!cluster) return [null]
    const members = await client.smembers(keys.activeQueues)
    for (const m of members) active.add(m)
    return members
  }

  function itemOf(member: string, lane: Lane): QueueItem {
    const key = member.slice(member.indexOf('|') + 1)
    const nl = key.indexOf('\n')
    return { sandbox: key.slice(0, nl), id: key.slice(nl + 1), lane }
  }

  async function enqueue(item: QueueItem, atMs: number): Promise<void> {
    const tag = tagOf(item.sandbox)
    await run(
      'enqueue',
      [keys.queueLane(tag, item.lane), keys.queueIndex(tag), keys.queueSequence(tag)],
      [queueItemKey(item), Math.round(atMs)],
    )
    await activate(item.sandbox)
  }

  return {
    tagOf,
    activate,
    enqueue,
    defer: enqueue,
    async claim(lane, max, leaseMs) {
      const out: QueueItem[] = []
      const all = await tags()
      // Cluster mode: start at the next sandbox each time, so that no sandbox's backlog starves another's.
      const from = all.length > 1 ? rotation++ % all.length : 0
      for (const tag of [...all.slice(from), ...all.slice(0, from)]) {
        if (out.length >= max) break
        const members = (await run(
          'claim',
          [keys.queueLane(tag, lane)],
          [offset(), max - out.length, leaseMs],
        )) as string[]
        for (const m of members) out.push(itemOf(m, lane))
      }
      return out
    },
    async ack(item) {
      const tag = tagOf(item.sandbox)
      await run('ack', [keys.queueLane(tag, item.lane), keys.queueIndex(tag)], [queueItemKey(item)])
    },
    async depth() {
      const out: Record<Lane, number> = { fast: 0, slow: 0 }
      for (const tag of await tags())
        for (const lane of lanes) out[lane] += await client.zcard(keys.queueLane(tag, lane))
      return out
    },
    async nextDueInMs() {
      let next: number | null = null
      for (const tag of await tags()) {
        const ms = (await run('next-due', [keys.queueLane(tag, 'fast'), keys.queueLane(tag, 'slow')], [offset()])) as
          | number
          | null
        if (ms !== null && (next === null || ms < next)) next = ms
      }
      return next
    },
  }
}
