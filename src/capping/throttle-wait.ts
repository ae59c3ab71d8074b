/**
 * The throttling runtime (SPEC section 5, "Throttling"): at most `maxThroughput` calls to matching URLs
 * start in any 1,000 ms, across all processes, because every start takes a slot of one shared sliding
 * window `throttle:<uid>` in the store. A call without a slot goes back to the dispatch queue, due when the
 * window next admits. Slots are tried one call at a time per process in queue order, later calls wait
 * behind an earlier refused one, and a call new to the line goes behind the calls already waiting: on one
 * process calls start in FIFO order. Across processes the order is approximate: each process keeps its
 * own line, so a call in one process can overtake calls waiting in another by up to a window's turnover.
 * A call waits at most 6 h from when it was queued, then ends `expired`. After an undeploy (or a forced
 * delete) the calls already queued drain at the rate recorded when they were queued; new calls are not
 * throttled. A PUT on a deployed config changes the rate of the queue at once.
 */
import type { Clock } from '../domain/clock.ts'
import type { MessageRecord, TraceEntry } from '../domain/message.ts'
import type { StatusRecorder } from '../pipeline/status-recorder.ts'
import type { CapRequest, Store } from '../store/types.ts'
import type { ConfiguredActionLimits } from './action-limits.ts'
import { bestMatch } from './deployed-configs.ts'

export const THROTTLE_MAX_WAIT_MS = 6 * 3600_000
export const THROTTLE_WINDOW_MS = 1000
/** See `throttleWait`: the limiter counts over THROTTLE_WINDOW_MS + THROTTLE_GUARD_MS. */
export const THROTTLE_GUARD_MS = 50

/** The window a throttle's limiter key counts over. */
export const throttleWindow = (maxThroughput: number, guardMs = THROTTLE_GUARD_MS) => ({
  limit: maxThroughput,
  windowMs: THROTTLE_WINDOW_MS + guardMs,
})

/** What intake recorded when it queued the call (`step: throttle, decision: queued`). */
export function throttleQueuedEntry(message: MessageRecord): { at: number; uid: string; maxThroughput: number } | null {
  for (let i = message.trace.length - 1; i >= 0; i--) {
    const t = message.trace[i]
    if (t?.step !== 'throttle' || t.decision !== 'queued' || typeof t.detail !== 'object') continue
    const { config, maxThroughput } = t.detail as { config?: unknown; maxThroughput?: unknown }
    if (typeof config === 'string' && typeof maxThroughput === 'number')
      return { at: Date.parse(t.at), uid: config, maxThroughput }
  }
  return null
}

/** The limiter key of a throttling config (shared by every process). */
export const throttleKey = (uid: string) => `throttle:${uid}`

/**
 * Builds the dispatcher's `throttleWaitMs` hook: 0 when the call may start now (its slot is taken),
 * else the milliseconds until it should be tried again. A call past its 6 h is recorded `expired` here and
 * the hook answers 1 ms: the dispatcher then finds it no longer dispatchable and drops it from the queue.
 *
 * `guardMs` lengthens the window the limiter counts over (1,000 + guardMs): the slot is taken a few
 * milliseconds before the request leaves (status write, capping slot, connection), and that delay varies
 * more under load for the first calls of a burst than for later ones, so an exact 1,000 ms window at the
 * limiter could show as 201 arrivals within 1,000 ms at the receiving endpoint. 50 ms costs ≤ 5 % throughput.
 */
export function throttleWait({
  store,
  clock,
  limits,
  status,
  maxWaitMs = THROTTLE_MAX_WAIT_MS,
  guardMs = THROTTLE_GUARD_MS,
}: {
  store: Store
  clock: Clock
  limits: Pick<ConfiguredActionLimits, 'deployed'>
  status: Pick<StatusRecorder, 'change'>
  maxWaitMs?: number
  guardMs?: number
}): (message: MessageRecord) => Promise<number> {
  const iso = (ms: number) => new Date(ms).toISOString()
  const lines = new Map<string, WaitingLine>()

  function lineOf(key: string, now: number): WaitingLine {
    let line = lines.get(key)
    if (!line) {
      line = { joined: new Map(), refused: new Map(), retryAt: 0, nextSeq: 0, prunedAt: now, chain: Promise.resolve() }
      lines.set(key, line)
    }
    if (now - line.prunedAt >= LINE_PRUNE_MS) {
      // A waiter comes back at least once per window; one unseen this long left the queue another way
      // (canceled, or taken over by another process after a crash) and must not hold the line.
      for (const [id, w] of line.joined) if (now - w.seen >= LINE_PRUNE_MS) line.joined.delete(id)
      for (const id of line.refused.keys()) if (!line.joined.has(id)) line.refused.delete(id)
      line.prunedAt = now
    }
    return line
  }

  /** Decides one call's turn; runs alone per line, in the order calls reach the hook (queue order). */
  async function turn(line: WaitingLine, message: MessageRecord, slot: CapRequest, now: number): Promise<Turn> {
    let waiter = line.joined.get(message.id)
    const newcomer = !waiter
    if (!waiter) {
      waiter = { seq: line.nextSeq++, seen: now }
      line.joined.set(message.id, waiter)
    }
    waiter.seen = now
    let blocker = Number.POSITIVE_INFINITY
    for (const [id, seq] of line.refused) if (id !== message.id && seq < blocker) blocker = seq
    // Behind others: an earlier call was refused and has not had its slot yet, or this call is new while
    // others wait. It goes behind them without trying, due when the window next admits.
    if (blocker < waiter.seq || (newcomer && line.joined.size > 1)) return { kind: 'wait', waitMs: line.retryAt - now }
    const d = await store.limiter.take(slot)
    if (!d.allowed) {
      line.refused.set(message.id, waiter.seq)
      line.retryAt = clock.now() + d.retryAfterMs
      return { kind: 'wait', waitMs: d.retryAfterMs }
    }
    line.refused.delete(message.id)
    line.joined.delete(message.id)
    // The release is stamped when the slot was taken: the call may have waited on the line's chain first.
    return { kind: 'go', count: d.count, at: clock.now() }
  }

  return async function throttleWaitMs(message) {
    if (message.channel !== 'action' || typeof message.to !== 'string') return 0
    const queued = throttleQueuedEntry(message)
    const { throttles } = await limits.deployed(message.sandbox)
    const live = queued
      ? throttles.find((t) => t.uid === queued.uid)
      : bestMatch(throttles, new URL(message.to), message.action?.method ?? 'POST')
    const uid = live?.uid ?? queued?.uid
    const rate = live?.maxThroughput ?? queued?.maxThroughput
    if (!uid || !rate) return 0
    const now = clock.now()
    const since = queued?.at ?? Math.max(Date.parse(message.createdAt), message.sendAt ? Date.parse(message.sendAt) : 0)
    const line = lineOf(`${message.sandbox}\u0000${throttleKey(uid)}`, now)
    const leftMs = since + maxWaitMs - now

    if (leftMs <= 0) {
      line.joined.delete(message.id)
      line.refused.delete(message.id)
      await status.change(message, 'expired', {
        expectStatus: ['throttled', 'queued'],
        set: {
          error: {
            code: 'EXPIRED',
            detail: `queued behind throttling config ${uid} for ${Math.round(maxWaitMs / 60_000)} minutes`,
          },
        },
        trace: [
          { at: iso(now), step: 'throttle', decision: 'expired', detail: { config: uid, waitedMs: now - since } },
        ],
      })
      return 1
    }

    const slot: CapRequest = {
      sandbox: message.sandbox,
      key: throttleKey(uid),
      windows: [throttleWindow(rate, guardMs)],
    }
    const decided = line.chain.then(() => turn(line, message, slot, now))
    line.chain = decided.catch(() => {})
    const result = await decided

    if (result.kind === 'wait') {
      if (!queued) {
        // A call that reached the dispatcher unthrottled (a `sendAt` call): it joins the queue from now.
        const entry: TraceEntry = {
          at: iso(now),
          step: 'throttle',
          decision: 'queued',
          detail: { config: uid, maxThroughput: rate },
        }
        await status.change(message, 'throttled', { expectStatus: ['queued'], trace: [entry] })
      }
      return Math.max(1, Math.min(result.waitMs, leftMs))
    }
    await store.messages.update(message.sandbox, message.id, {
      expectStatus: ['throttled', 'queued'],
      trace: [
        {
          at: iso(result.at),
          step: 'throttle',
          decision: 'released',
          detail: { config: uid, waitedMs: result.at - since, count: result.count, limit: rate },
        },
      ],
    })
    return 0
  }
}

type Turn = { kind: 'go'; count: number; at: number } | { kind: 'wait'; waitMs: number }

/**
 * This process's calls waiting behind one throttle key. Slots are tried one call at a time, in the order
 * calls reach the hook; after a refusal, calls that joined later do not try until the refused one got
 * its slot, so a slot freeing between two tries cannot go to the later call. One try at a time costs one
 * store round trip per started call and process (Redis: a few thousand per second per process).
 */
interface WaitingLine {
  /** Waiting calls (id → join order, when last seen), in join order. */
  joined: Map<string, { seq: number; seen: number }>
  /** Calls refused a slot and not yet started (id → join order). */
  refused: Map<string, number>
  /** When the window next admits, as the latest refusal said. */
  retryAt: number
  nextSeq: number
  prunedAt: number
  chain: Promise<unknown>
}

const LINE_PRUNE_MS = 5_000
