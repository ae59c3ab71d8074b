import type { Clock } from '../domain/clock.ts'
import type { MessageRecord, MessageStatus } from '../domain/message.ts'
import type { Logger } from '../observability/logger.ts'
import type { Metrics } from '../observability/metrics.ts'
import type { MessageChange, Store } from '../store/types.ts'
import { createStatsBuffer } from './stats-buffer.ts'

/** Told of every status change of a message, in order (status callbacks subscribe here). */
export type StatusListener = (message: MessageRecord, previous: MessageStatus) => void

/**
 * Every status change goes through here: the record (compare-and-set), the traffic stats, the metrics,
 * one log line per outcome and the status listeners.
 */
export function createStatusRecorder({
  store,
  clock,
  metrics,
  logger,
  listeners = [],
}: {
  store: Store
  clock: Clock
  metrics: Metrics
  logger: Logger
  listeners?: StatusListener[]
}) {
  const at = () => new Date(clock.now()).toISOString()
  const stats = createStatsBuffer({ stats: store.stats })

  /**
   * A message reached its status at intake (accepted, suppressed, capped): metrics, log and listeners.
   * The store's accept step already counted it in the traffic stats.
   */
  function recorded(message: MessageRecord, previous: MessageStatus | null = null): void {
    metrics.messages.inc({ channel: message.channel, status: message.status })
    if (previous !== null || message.status !== 'queued')
      logger.info(
        { id: message.id, channel: message.channel, status: message.status, code: message.error?.code },
        'message status',
      )
    for (const listener of listeners) listener(message, previous ?? 'queued')
  }

  async function change(
    message: MessageRecord,
    status: MessageStatus | null,
    change: Omit<MessageChange, 'set'> & { set?: MessageChange['set'] } = {},
  ): Promise<MessageRecord | null> {
    const set = { ...(change.set ?? {}), ...(status ? { status } : {}) }
    const result = await store.messages.update(message.sandbox, message.id, { ...change, set, base: message })
    if (!result.ok) return null
    if (status && status !== message.status) {
      stats.add(message.sandbox, status, clock.now())
      recorded(result.message, message.status)
    }
    return result.message
  }

  return { change, recorded, at, listeners, stop: () => stats.stop() }
}

export type StatusRecorder = ReturnType<typeof createStatusRecorder>
