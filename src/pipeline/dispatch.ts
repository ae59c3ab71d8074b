import type { SendResult } from '../../adapters/types.ts'
import type { ActionLimits } from '../capping/action-limits.ts'
import { capDetail } from '../capping/cap-detail.ts'
import { type Clock, sleep } from '../domain/clock.ts'
import type { Lane, MessageRecord, MessageStatus, TraceEntry } from '../domain/message.ts'
import type { Logger } from '../observability/logger.ts'
import type { Metrics } from '../observability/metrics.ts'
import type { CapRequest, QueueItem, Store } from '../store/types.ts'
import type { Feedback } from '../suppression/feedback.ts'
import type { AdapterRegistry } from './adapter-registry.ts'
import { ACTION_MAX_ATTEMPTS, actionRetryDelayMs, providerRetryAllowed, providerRetryDelayMs } from './retry-policy.ts'
import type { StatusRecorder } from './status-recorder.ts'

const DISPATCHABLE: readonly MessageStatus[] = ['queued', 'throttled', 'retrying']
const LEASE_MS = 60_000
/** Longest a provider attempt may take (its send timeout); an action's is its budget. */
const PROVIDER_ATTEMPT_MS = 30_000
/** Slack past an attempt's longest run before a `sending` record counts as abandoned by a dead process. */
const ABANDON_MARGIN_MS = 5000
const IDLE_POLL_MS = 50
const SLOW_EVERY = 10
const CAMPAIGN_CAP = { limit: 4000, windowMs: 300_000 }
const PACED_CHANNELS = new Set(['email', 'sms', 'mms', 'push'])

export interface DispatcherDeps {
  store: Store
  adapters: AdapterRegistry
  clock: Clock
  status: StatusRecorder
  feedback: Feedback
  actionLimits: ActionLimits
  metrics: Metrics
  logger: Logger
  retryBaseMs: number
  transactionalRate: number
  /** Waits a throttled action needs before it may start (0 = now); the capping module provides it. */
  throttleWaitMs?: (message: MessageRecord) => Promise<number>
  concurrency?: number
  random?: () => number
  /**
   * How long a claimed queue item stays hidden from other processes: the time a dead process's work waits
   * before another takes it. Longer than the longest action budget (30 s), as a live holder keeps its item.
   */
  leaseMs?: number
}

/**
 * Dispatch: dequeue → pacing/throttle → cap slot → adapter → classify → retry/suppress/record.
 * Never re-renders: the stored content is what is sent.
 */
export function createDispatcher(deps: DispatcherDeps) {
  const { store, clock, status, metrics, logger } = deps
  const concurrency = deps.concurrency ?? 64
  const random = deps.random ?? Math.random
  const leaseMs = deps.leaseMs ?? LEASE_MS
  const active = new Set<Promise<unknown>>()
  let running = false
  let loop: Promise<void> | null = null
  let wake: (() => void) | null = null
  let fastSinceSlow = 0
  const iso = () => new Date(clock.now()).toISOString()

  async function take(cap: CapRequest) {
    const d = await store.limiter.take(cap)
    if (!d.allowed) metrics.capRejections.inc({ kind: cap.key.split(':')[0] ?? 'cap' })
    return d
  }

  function note(step: string, decision: string, detail?: TraceEntry['detail']): TraceEntry {
    return { at: iso(), step, decision, ...(detail !== undefined ? { detail } : {}) }
  }

  function attemptOf(n: number, startedAt: number, result: SendResult) {
    return {
      n,
      at: new Date(startedAt).toISOString(),
      durationMs: clock.now() - startedAt,
      outcome: result.ok ? ('success' as const) : result.ambiguous ? ('unknown' as const) : ('failure' as const),
      ...(result.ok ? {} : { code: result.code }),
      ...(result.detail ? { detail: result.detail } : {}),
    }
  }

  async function send(message: MessageRecord, n: number, timeoutMs: number) {
    const adapter = deps.adapters.adapterFor(message)
    const startedAt = clock.now()
    let result: SendResult
    try {
      result = await adapter.send(message, { attempt: n, timeoutMs })
    } catch (e) {
      logger.error({ err: e, id: message.id }, 'adapter threw')
      result = { ok: false, code: 'NETWORK', retryable: true, detail: `adapter error: ${(e as Error).message}` }
    }
    metrics.attempts.observe(
      { channel: message.channel, outcome: result.ok ? 'success' : 'failure' },
      (clock.now() - startedAt) / 1000,
    )
    return { result, startedAt, adapter: adapter.name }
  }

  async function finish(
    message: MessageRecord,
    to: MessageStatus,
    extra: Parameters<StatusRecorder['change']>[2] = {},
  ) {
    return status.change(message, to, extra)
  }

  /** A custom action: attempts and retries run here, inside the message's timeout budget. */
  async function runAction(message: MessageRecord, from: readonly MessageStatus[]): Promise<MessageRecord | null> {
    const budgetMs = message.action?.timeoutMs ?? 30_000
    const budgetEnd = clock.now() + budgetMs
    const { cap } = await deps.actionLimits.resolve(
      message.sandbox,
      message.to as string,
      message.action?.method ?? 'POST',
    )
    let current = message
    let slotTaken = Boolean(message.slotTaken)
    for (let n = current.seriesAttempts + 1; ; n++) {
      const trace: TraceEntry[] = []
      if (!slotTaken) {
        const d = await take(cap)
        trace.push(note('capping', d.allowed ? 'admitted' : 'capped', capDetail(cap.key, d)))
        if (!d.allowed) {
          const first = n === 1
          const detail = `Cap ${cap.key} full: ${d.count}/${d.limit} in ${d.windowMs} ms`
          return finish(current, first ? 'capped' : 'failed', { set: { error: { code: 'CAPPED', detail } }, trace })
        }
      }
      slotTaken = false
      const sending = await status.change(current, 'sending', {
        expectStatus: n === message.seriesAttempts + 1 ? from : DISPATCHABLE,
        set: { seriesAttempts: n, slotTaken: false },
        trace,
      })
      if (!sending) return store.messages.get(message.sandbox, message.id)
      current = sending
      const left = budgetEnd - clock.now()
      const { result, startedAt, adapter } = await send(current, n, Math.max(1, left))
      void store.limiter.observeLatency(cap.sandbox, cap.key, clock.now() - startedAt).catch(() => {})
      const attempt = attemptOf(n, startedAt, result)
      if (result.ok) {
        return finish(current, 'sent', {
          set: { provider: adapter },
          unset: ['error'],
          attempt,
          trace: [note('dispatch', 'sent', { attempt: n, detail: result.detail })],
        })
      }
      const lastError = `${result.code}: ${result.detail}`
      if (!result.retryable || n >= ACTION_MAX_ATTEMPTS) {
        const why = !result.retryable ? `${result.code} is not retried` : `${ACTION_MAX_ATTEMPTS} attempts made`
        return finish(current, 'failed', {
          set: { error: { code: result.code, detail: result.detail } },
          attempt,
          trace: [note('dispatch', 'failed', { attempt: n, code: result.code, why })],
        })
      }
      const delay = actionRetryDelayMs({
        retryIndex: n - 1,
        baseMs: deps.retryBaseMs,
        retryAfterMs: result.retryAfterMs,
        random,
      })
      if (result.code === 'TIMEOUT' || clock.now() + delay >= budgetEnd) {
        return finish(current, 'failed', {
          set: { error: { code: 'TIMEOUT', detail: lastError } },
          attempt,
          trace: [
            note('dispatch', 'failed', {
              attempt: n,
              code: 'TIMEOUT',
              why: `timeout budget of ${budgetMs} ms spent`,
              last: lastError,
            }),
          ],
        })
      }
      const retrying = await finish(current, 'retrying', {
        attempt,
        trace: [
          note('retry', 'scheduled', {
            attempt: n,
            code: result.code,
            delayMs: delay,
            retryAfterMs: result.retryAfterMs,
          }),
        ],
      })
      if (!retrying) return null
      current = retrying
      await sleep(delay)
      const fresh = await store.messages.get(message.sandbox, message.id)
      if (fresh?.status !== 'retrying') return fresh
      current = fresh
    }
  }

  /** A provider channel: one attempt; transient failures go back to the queue with backoff. */
  async function runProvider(
    message: MessageRecord,
    item: QueueItem,
    from: readonly MessageStatus[],
  ): Promise<MessageRecord | null> {
    const n = message.seriesAttempts + 1
    const trace: TraceEntry[] = []
    if (message.channel === 'campaign') {
      const cap: CapRequest = { sandbox: message.sandbox, key: 'campaign', windows: [CAMPAIGN_CAP] }
      const d = await take(cap)
      trace.push(note('capping', d.allowed ? 'admitted' : 'capped', capDetail(cap.key, d)))
      if (!d.allowed)
        return finish(message, n === 1 ? 'capped' : 'failed', {
          set: { error: { code: 'CAPPED', detail: `Campaign channel cap: ${d.limit} per 5 minutes` } },
          trace,
        })
    }
    const sending = await status.change(message, 'sending', {
      expectStatus: from,
      set: { seriesAttempts: n },
      trace,
    })
    if (!sending) return store.messages.get(message.sandbox, message.id)
    const { result, startedAt, adapter } = await send(sending, n, 30_000)
    const attempt = attemptOf(n, startedAt, result)
    // A success resets the soft-bounce count, unless a delivery receipt is still to come.
    const hint = result.ok
      ? (result.suppress ?? (result.awaitsReceipt ? undefined : ({ kind: 'success' } as const)))
      : result.suppress
    const feedbackTrace = await deps.feedback.apply(sending, hint)
    const extraTrace = feedbackTrace ? [feedbackTrace] : []
    if (result.ok) {
      const accepted = {
        set: {
          provider: adapter,
          ...(result.providerMessageId ? { providerMessageId: result.providerMessageId } : {}),
        },
        unset: ['error'] as const,
        attempt,
        trace: [
          note('dispatch', result.delivered ? 'delivered' : 'sent', { attempt: n, provider: adapter }),
          ...extraTrace,
        ],
      }
      const done = await finish(sending, result.delivered ? 'delivered' : 'sent', {
        ...accepted,
        expectStatus: ['sending'],
      })
      // A receipt that arrived while the send was in flight already moved the message on: keep its status.
      return done ?? (await status.change(sending, null, accepted))
    }
    if (result.ambiguous) {
      return finish(sending, 'failed', {
        set: { error: { code: 'AMBIGUOUS', detail: result.detail } },
        attempt,
        trace: [
          note('dispatch', 'failed', { attempt: n, code: 'AMBIGUOUS', why: 'outcome unknown: not re-sent' }),
          ...extraTrace,
        ],
      })
    }
    const retryAt =
      clock.now() +
      providerRetryDelayMs({ attempt: n, sandboxed: sending.sandboxed, retryAfterMs: result.retryAfterMs })
    const inWindow = providerRetryAllowed({
      retryAt,
      createdAtMs: Date.parse(sending.createdAt),
      expiresAtMs: sending.expiresAt ? Date.parse(sending.expiresAt) : undefined,
    })
    if (result.retryable && inWindow) {
      const retrying = await finish(sending, 'retrying', {
        set: { error: { code: result.code, detail: result.detail } },
        attempt,
        trace: [
          note('retry', 'scheduled', { attempt: n, code: result.code, at: new Date(retryAt).toISOString() }),
          ...extraTrace,
        ],
      })
      if (retrying) await store.queue.defer(item, retryAt)
      return retrying
    }
    const code = result.retryable ? (sending.expiresAt ? 'EXPIRED' : 'TIMEOUT') : result.code
    return finish(sending, result.retryable && sending.expiresAt ? 'expired' : 'failed', {
      set: { error: { code, detail: result.detail } },
      attempt,
      trace: [
        note('dispatch', 'failed', {
          attempt: n,
          code: result.code,
          why: result.retryable ? 'retry window over' : 'permanent',
        }),
        ...extraTrace,
      ],
    })
  }

  /** Handles one queue item to its next resting point; returns the record as it ends. */
  async function processItem(item: QueueItem, fresh?: MessageRecord): Promise<MessageRecord | null> {
    const message = fresh ?? (await store.messages.get(item.sandbox, item.id))
    const now = clock.now()
    let from = DISPATCHABLE
    if (message?.status === 'sending') {
      // Claimed while `sending`: its holder either still sends it (a `Prefer: wait` hold shorter than the
      // attempt) or died mid-attempt. Once the attempt has had its longest run (capped by the lease: no
      // holder keeps an item longer) it is abandoned: repeat it, at least once, with the same
      // Idempotency-Key / Message-ID. Until then, look again at that time.
      const attemptMs =
        (message.channel === 'action' ? (message.action?.timeoutMs ?? 30_000) : PROVIDER_ATTEMPT_MS) + ABANDON_MARGIN_MS
      const abandonedAt = Date.parse(message.updatedAt) + Math.min(attemptMs, leaseMs)
      if (now < abandonedAt) {
        await store.queue.defer(item, abandonedAt)
        return message
      }
      logger.warn({ id: message.id, channel: message.channel }, 'resuming a message abandoned while sending')
      from = ['sending']
    } else if (!message || !DISPATCHABLE.includes(message.status)) {
      await store.queue.ack(item)
      return message
    }
    if (message.expiresAt && Date.parse(message.expiresAt) <= now) {
      await store.queue.ack(item)
      return finish(message, 'expired', {
        expectStatus: from,
        set: { error: { code: 'EXPIRED', detail: `not sent before ${message.expiresAt}` } },
        trace: [note('expiry', 'expired')],
      })
    }
    if (deps.transactionalRate > 0 && message.category === 'transactional' && PACED_CHANNELS.has(message.channel)) {
      const d = await store.limiter.take({
        sandbox: message.sandbox,
        key: 'pacing',
        windows: [{ limit: deps.transactionalRate, windowMs: 1000 }],
      })
      if (!d.allowed) {
        await store.queue.defer(item, now + d.retryAfterMs)
        return message
      }
    }
    // Throttled actions, and deferred ones (sendAt) that never met the throttle at intake.
    const throttleCandidate =
      message.status === 'throttled' ||
      (message.channel === 'action' && !message.slotTaken && message.seriesAttempts === 0)
    if (deps.throttleWaitMs && throttleCandidate) {
      const wait = await deps.throttleWaitMs(message)
      if (wait > 0) {
        await store.queue.defer(item, now + wait)
        return message
      }
    }
    const ended = message.channel === 'action' ? await runAction(message, from) : await runProvider(message, item, from)
    if (ended?.status !== 'retrying' || message.channel === 'action') await store.queue.ack(item)
    return ended
  }

  function track<T>(p: Promise<T>): Promise<T> {
    active.add(p)
    const done = () => active.delete(p)
    p.then(done, done)
    return p
  }

  async function claimBatch(room: number): Promise<QueueItem[]> {
    const wantSlow = fastSinceSlow >= SLOW_EVERY
    const lanes: Lane[] = wantSlow ? ['slow', 'fast'] : ['fast', 'slow']
    const out: QueueItem[] = []
    for (const lane of lanes) {
      if (out.length >= room) break
      const n =
        lane === 'slow' && !wantSlow && out.length > 0
          ? 0
          : lane === 'slow'
            ? Math.min(room - out.length, wantSlow ? 1 : room)
            : room - out.length
      if (n <= 0) continue
      const items = await store.queue.claim(lane, n, leaseMs)
      for (const it of items) {
        if (it.lane === 'slow') fastSinceSlow = 0
        else fastSinceSlow++
      }
      out.push(...items)
    }
    return out
  }

  async function run(): Promise<void> {
    while (running) {
      const room = concurrency - active.size
      let claimed: QueueItem[] = []
      if (room > 0) {
        try {
          claimed = await claimBatch(room)
        } catch (e) {
          logger.warn({ err: e }, 'queue claim failed')
          await sleep(500)
        }
      }
      for (const item of claimed)
        track(
          processItem(item).catch((e) => {
            logger.error({ err: e, id: item.id }, 'dispatch failed')
          }),
        )
      if (claimed.length === 0 || room <= 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, room <= 0 ? 5 : IDLE_POLL_MS)
          wake = () => {
            clearTimeout(timer)
            resolve()
          }
          if (room <= 0 && active.size)
            Promise.race(active).then(
              () => wake?.(),
              () => wake?.(),
            )
        })
        wake = null
      }
    }
  }

  return {
    start() {
      if (running) return
      running = true
      loop = run()
    },
    /** New work was enqueued here: skip the idle wait. */
    nudge() {
      wake?.()
    },
    /** Dispatches a message held by this process (`Prefer: wait`), outside the polling loop. */
    dispatchNow(item: QueueItem, accepted?: MessageRecord): Promise<MessageRecord | null> {
      return track(processItem(item, accepted))
    },
    async stop({ graceMs = 8000 }: { graceMs?: number } = {}) {
      running = false
      wake?.()
      await loop
      await Promise.race([Promise.allSettled([...active]), sleep(graceMs)])
    },
    activeCount: () => active.size,
  }
}

export type Dispatcher = ReturnType<typeof createDispatcher>
