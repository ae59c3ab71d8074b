/**
 * Status callbacks (SPEC section 12): every status change of a message is POSTed, signed, to its
 * `callbackUrl` or the sandbox default, in order per message, without ever holding up dispatch.
 *
 * Each message has a chain of pending events; only its head is in flight, so the next status of a
 * message waits until the previous one is delivered or given up, while other messages' chains go on.
 * Failed heads wait for a due time computed from the injected clock; one scheduler timer sleeps at most
 * `tickMs` of real time between looks, so advancing a manual clock moves retries on (tests of the 24 h
 * window). Pending events live in this process's memory only: a crash loses them.
 */
import { Registry } from 'prom-client'
import type { HttpCallResult, SafeHttpClient } from '../../adapters/action/http/safe-http-client.ts'
import { type Clock, sleep } from '../domain/clock.ts'
import type { MessageError, MessageRecord, MessageStatus, TraceEntry } from '../domain/message.ts'
import type { Logger } from '../observability/logger.ts'
import type { StatusListener } from '../pipeline/status-recorder.ts'
import type { Store } from '../store/types.ts'
import { type CallbackConfig, readCallbackConfig } from './callback-config.ts'
import { type CallbackMetrics, callbackMetrics } from './callback-metrics.ts'
import {
  CALLBACK_FIRST_RETRY_MS,
  CALLBACK_MAX_RETRY_MS,
  CALLBACK_RETRY_WINDOW_MS,
  callbackRetryable,
  callbackRetryDelayMs,
} from './callback-retry-policy.ts'
import { signatureHeader, signCallback, signingSecretFor } from './callback-signature.ts'

/** The body a receiver gets: `previousStatus` is null for the status a message was recorded with. */
export interface CallbackEvent {
  id: string
  status: MessageStatus
  previousStatus: MessageStatus | null
  at: string
  error?: MessageError
  reason?: string
  metadata: Record<string, unknown>
}

export interface CallbackNotifierOptions {
  store: Store
  clock: Clock
  client: Pick<SafeHttpClient, 'postJson'>
  /** AUTH_SECRET: each sandbox's signing secret is derived from it. */
  authSecret: string
  logger: Logger
  metrics?: CallbackMetrics
  /** First retry delay; doubles per attempt up to `maxRetryMs`. */
  retryBaseMs?: number
  maxRetryMs?: number
  /** How long an event is retried after its status change (by the injected clock). */
  retryWindowMs?: number
  /** Deadline of one attempt. */
  timeoutMs?: number
  /** Attempts in flight at once across all messages. */
  maxConcurrent?: number
  /** Events held at once; beyond it new events are dropped (and counted) rather than exhausting memory. */
  maxPending?: number
  /** Longest real-time sleep of the retry scheduler between looks at the clock. */
  tickMs?: number
  /** How long a sandbox's default callback config is reused before it is read again. */
  configCacheMs?: number
}

interface PendingEvent {
  event: CallbackEvent
  body: string
  ownUrl?: string
  queuedAt: number
  deadline: number
  attempts: number
  /** Resolved on the first look: the URL to call, or null when nobody subscribed to this status. */
  url?: string | null
}

interface Chain {
  key: string
  sandbox: string
  id: string
  events: PendingEvent[]
  state: 'ready' | 'running' | 'waiting'
  dueAt: number
}

interface CachedConfig {
  at: number
  value: CallbackConfig | null | undefined
  promise: Promise<CallbackConfig | null>
}

/** Builds the notifier; add `listener` to the status recorder's listeners and call `stop()` before the store closes. */
export function createCallbackNotifier({
  store,
  clock,
  client,
  authSecret,
  logger,
  metrics = callbackMetrics(new Registry()),
  retryBaseMs = CALLBACK_FIRST_RETRY_MS,
  maxRetryMs = CALLBACK_MAX_RETRY_MS,
  retryWindowMs = CALLBACK_RETRY_WINDOW_MS,
  timeoutMs = 10_000,
  maxConcurrent = 64,
  maxPending = 100_000,
  tickMs = 1000,
  configCacheMs = 2000,
}: CallbackNotifierOptions) {
  const chains = new Map<string, Chain>()
  const ready: Chain[] = []
  const waiting = new Set<Chain>()
  const inflight = new Set<Promise<void>>()
  const secrets = new Map<string, string>()
  const configs = new Map<string, CachedConfig>()
  let pending = 0
  let overflowed = 0
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | null = null
  let timerFiresAt = 0

  const secretOf = (sandbox: string) => {
    let secret = secrets.get(sandbox)
    if (!secret) {
      secret = signingSecretFor(sandbox, authSecret)
      secrets.set(sandbox, secret)
    }
    return secret
  }

  function cachedConfig(sandbox: string): CachedConfig | undefined {
    const cached = configs.get(sandbox)
    return cached && performance.now() - cached.at <= configCacheMs ? cached : undefined
  }

  function configOf(sandbox: string): Promise<CallbackConfig | null> {
    const fresh = cachedConfig(sandbox)
    if (fresh) return fresh.promise
    const entry: CachedConfig = { at: performance.now(), value: undefined, promise: Promise.resolve(null) }
    entry.promise = readCallbackConfig(store.configs, sandbox).then(
      (value) => {
        entry.value = value
        return value
      },
      (error: unknown) => {
        if (configs.get(sandbox) === entry) configs.delete(sandbox)
        throw error
      },
    )
    configs.set(sandbox, entry)
    return entry.promise
  }

  async function urlOf(chain: Chain, head: PendingEvent): Promise<string | null> {
    if (head.ownUrl) return head.ownUrl
    const config = await configOf(chain.sandbox)
    if (!config) return null
    if (config.events && !config.events.includes(head.event.status)) return null
    return config.url
  }

  const listener: StatusListener = (message, previous) => {
    try {
      if (stopped) return
      if (!message.callbackUrl && cachedConfig(message.sandbox)?.value === null) return
      if (pending >= maxPending) {
        overflowed++
        metrics.failures.inc({ code: 'OVERFLOW' })
        if (overflowed === 1 || overflowed % 1000 === 0)
          logger.warn({ dropped: overflowed, maxPending }, 'status callback backlog full: events dropped')
        return
      }
      enqueue(message, previous)
    } catch (error) {
      logger.error({ err: error, id: message.id }, 'status callback not queued')
    }
  }

  function enqueue(message: MessageRecord, previous: MessageStatus): void {
    const event: CallbackEvent = {
      id: message.id,
      status: message.status,
      previousStatus: previous === message.status ? null : previous,
      at: message.updatedAt,
      ...(message.error ? { error: message.error } : {}),
      ...(message.reason ? { reason: message.reason } : {}),
      metadata: message.metadata ?? {},
    }
    const now = clock.now()
    const item: PendingEvent = {
      event,
      body: JSON.stringify(event),
      queuedAt: now,
      deadline: now + retryWindowMs,
      attempts: 0,
      ...(message.callbackUrl ? { ownUrl: message.callbackUrl } : {}),
    }
    const key = `${message.sandbox}\u0000${message.id}`
    let chain = chains.get(key)
    if (!chain) {
      chain = { key, sandbox: message.sandbox, id: message.id, events: [], state: 'ready', dueAt: 0 }
      chains.set(key, chain)
      ready.push(chain)
    }
    chain.events.push(item)
    pending++
    metrics.pending.inc()
    pump()
  }

  function pump(): void {
    while (!stopped && inflight.size < maxConcurrent && ready.length > 0) {
      const chain = ready.shift() as Chain
      chain.state = 'running'
      const run: Promise<void> = step(chain)
        .catch((error: unknown) => {
          logger.error({ err: error, id: chain.id }, 'status callback step failed')
          park(chain, clock.now() + tickMs)
        })
        .finally(() => {
          inflight.delete(run)
          pump()
        })
      inflight.add(run)
    }
  }

  /** Handles the head event of a chain once: resolve, attempt, then deliver, retry or give up. */
  async function step(chain: Chain): Promise<void> {
    const head = chain.events[0]
    if (!head) {
      chains.delete(chain.key)
      return
    }
    if (head.url === undefined) {
      try {
        head.url = await urlOf(chain, head)
      } catch (error) {
        logger.warn({ err: error, sandbox: chain.sandbox }, 'callback config unreadable: will look again')
        park(chain, clock.now() + tickMs)
        return
      }
    }
    const url = head.url
    if (url === null) {
      advance(chain)
      return
    }
    head.attempts++
    const sentAt = clock.now()
    const signature = signCallback(head.body, secretOf(chain.sandbox), sentAt / 1000)
    let result: HttpCallResult
    try {
      result = await client.postJson({
        url,
        body: head.event,
        headers: { [signatureHeader]: signature, 'user-agent': 'sendgate-callbacks' },
        timeoutMs,
      })
    } catch (error) {
      result = { ok: false, code: 'NETWORK', failure: 'network', sent: false, detail: (error as Error).message }
    }
    const now = clock.now()
    const base = { status: head.event.status, host: hostOf(url), attempt: head.attempts }
    if (result.ok) {
      metrics.attempts.inc({ outcome: 'delivered' })
      metrics.lag.observe(Math.max(0, now - head.queuedAt) / 1000)
      await trace(chain, 'delivered', { ...base, httpStatus: result.status })
      advance(chain)
      return
    }
    const failure = { ...base, ...(result.status ? { httpStatus: result.status } : {}), code: result.code }
    if (stopped || !callbackRetryable(result) || now >= head.deadline) {
      const why = !callbackRetryable(result) ? 'not retried' : stopped ? 'shutting down' : 'retry window over'
      metrics.attempts.inc({ outcome: 'gave_up' })
      metrics.failures.inc({ code: result.code })
      await trace(chain, 'gave_up', { ...failure, why, detail: result.detail.slice(0, 200) })
      advance(chain)
      return
    }
    const delay = callbackRetryDelayMs({
      attempt: head.attempts,
      baseMs: retryBaseMs,
      maxMs: maxRetryMs,
      retryAfterMs: result.retryAfterMs,
    })
    const dueAt = Math.min(now + delay, head.deadline)
    metrics.attempts.inc({ outcome: 'retry' })
    await trace(chain, 'retry', { ...failure, nextAt: new Date(dueAt).toISOString() })
    park(chain, dueAt)
  }

  async function trace(chain: Chain, decision: string, detail: Record<string, unknown>): Promise<void> {
    const entry: TraceEntry = { at: new Date(clock.now()).toISOString(), step: 'callback', decision, detail }
    try {
      await store.messages.update(chain.sandbox, chain.id, { trace: [entry] })
    } catch (error) {
      logger.warn({ err: error, id: chain.id }, 'callback trace not written')
    }
  }

  /** The head is done (delivered, given up or not subscribed): the next event of the message may go. */
  function advance(chain: Chain): void {
    chain.events.shift()
    pending--
    metrics.pending.dec()
    if (chain.events.length === 0) {
      chains.delete(chain.key)
      return
    }
    chain.state = 'ready'
    ready.push(chain)
  }

  function park(chain: Chain, dueAt: number): void {
    if (stopped) return
    chain.state = 'waiting'
    chain.dueAt = dueAt
    waiting.add(chain)
    const wanted = Math.max(0, Math.min(dueAt - clock.now(), tickMs))
    if (!timer || performance.now() + wanted < timerFiresAt) arm(wanted)
  }

  function arm(delayMs: number): void {
    if (timer) clearTimeout(timer)
    timerFiresAt = performance.now() + delayMs
    timer = setTimeout(tick, delayMs)
    timer.unref?.()
  }

  function tick(): void {
    timer = null
    if (stopped) return
    const now = clock.now()
    let nextDue = Number.POSITIVE_INFINITY
    for (const chain of waiting) {
      if (chain.dueAt <= now) {
        waiting.delete(chain)
        chain.state = 'ready'
        ready.push(chain)
      } else nextDue = Math.min(nextDue, chain.dueAt)
    }
    pump()
    if (waiting.size > 0) arm(Math.max(0, Math.min(nextDue - now, tickMs)))
  }

  return {
    listener,
    /** Events held in this process (waiting, in flight or behind another event of their message). */
    pendingCount: () => pending,
    /**
     * Stops delivering: first up to `graceMs` for the backlog to drain (new events still join it),
     * then attempts in flight finish and nothing new starts. Events still pending are lost (they live
     * in memory only); their number is logged and returned.
     */
    async stop({ graceMs = 0 }: { graceMs?: number } = {}): Promise<{ lost: number }> {
      const until = performance.now() + graceMs
      while (pending > 0 && performance.now() < until) await sleep(Math.min(20, until - performance.now()))
      stopped = true
      if (timer) clearTimeout(timer)
      timer = null
      await Promise.allSettled([...inflight])
      const lost = pending
      if (lost > 0) logger.warn({ lost }, 'status callbacks pending at shutdown were not delivered')
      metrics.pending.dec(lost)
      pending = 0
      chains.clear()
      ready.length = 0
      waiting.clear()
      return { lost }
    },
  }
}

export type CallbackNotifier = ReturnType<typeof createCallbackNotifier>

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return '(invalid url)'
  }
}
