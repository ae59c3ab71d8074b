/**
 * Dead letters (SPEC section 12): a `failed`, `expired` or `capped` message is sent again under the
 * same id as a new attempt series. Suppression, opt-out, allowlist and consent are checked again (an
 * address suppressed meanwhile ends `suppressed`); the capping slot is taken by the dispatcher, since
 * the record goes back with `slotTaken: false`. Each replay leaves a `replay` entry in the trace.
 */
import type { Clock } from '../domain/clock.ts'
import { laneOf, type MessageRecord, type MessageStatus, type TraceEntry } from '../domain/message.ts'
import type { Logger } from '../observability/logger.ts'
import type { StatusRecorder } from '../pipeline/status-recorder.ts'
import type { MessageFilter, Store } from '../store/types.ts'
import { checksOfRecord, firstBlock } from '../suppression/recipient-checks.ts'
import type { CallbackMetrics } from './callback-metrics.ts'

/** The statuses a message can be replayed from. */
export const replayableStatuses = ['failed', 'expired', 'capped'] as const satisfies readonly MessageStatus[]
export type ReplayableStatus = (typeof replayableStatuses)[number]

export const isReplayable = (status: MessageStatus): status is ReplayableStatus =>
  (replayableStatuses as readonly MessageStatus[]).includes(status)

export interface ReplayDeps {
  store: Store
  status: StatusRecorder
  clock: Clock
  logger: Logger
  /** The sending number SMS opt-outs are keyed by (`config.smsSender`). */
  smsSender: string
  metrics?: CallbackMetrics
}

export type ReplayResult =
  | { outcome: 'requeued'; message: MessageRecord }
  | { outcome: 'suppressed'; message: MessageRecord; reason: string }
  /** Not in a replayable status (or it changed while we looked). */
  | { outcome: 'conflict'; message: MessageRecord }

const REPLAY_PAGE = 100

/** Sends one message again; the caller nudges the dispatcher once it is done replaying. */
export async function replayMessage(
  deps: ReplayDeps,
  message: MessageRecord,
  { by }: { by: string },
): Promise<ReplayResult> {
  const from = message.status
  if (!isReplayable(from)) return { outcome: 'conflict', message }
  const now = deps.clock.now()
  const at = new Date(now).toISOString()
  const replay = { from, ...(message.error ? { code: message.error.code } : {}), by }
  const block = await firstBlock(deps.store, message.sandbox, checksOfRecord(message, { smsSender: deps.smsSender }))
  if (block) {
    const trace: TraceEntry[] = [
      { at, step: 'replay', decision: 'suppressed', detail: replay },
      { at, step: block.match.check, decision: 'suppressed', detail: { reason: block.reason, ...block.match } },
    ]
    const changed = await deps.status.change(message, 'suppressed', {
      expectStatus: [from],
      set: { reason: block.reason },
      unset: ['error'],
      trace,
    })
    if (!changed) return conflict(deps, message)
    deps.metrics?.replays.inc({ from, outcome: 'suppressed' })
    return { outcome: 'suppressed', message: changed, reason: block.reason }
  }
  // An expiry already past would end the new series at once: the replay is the decision to send it now.
  const expired = message.expiresAt !== undefined && Date.parse(message.expiresAt) <= now
  const changed = await deps.status.change(message, 'queued', {
    expectStatus: [from],
    set: { seriesAttempts: 0, slotTaken: false },
    unset: ['error', 'reason', ...(expired ? (['expiresAt'] as const) : [])],
    trace: [
      {
        at,
        step: 'replay',
        decision: 'requeued',
        detail: { ...replay, ...(expired ? { expiresAtLifted: message.expiresAt } : {}) },
      },
    ],
  })
  if (!changed) return conflict(deps, message)
  try {
    await deps.store.queue.enqueue({ sandbox: changed.sandbox, id: changed.id, lane: laneOf(changed) }, now)
  } catch (error) {
    // Not in the queue, nothing would ever send it: put the record back as it was, so a retry can follow.
    await deps.status
      .change(changed, from, {
        expectStatus: ['queued'],
        set: { ...(message.error ? { error: message.error } : {}), slotTaken: Boolean(message.slotTaken) },
        trace: [{ at, step: 'replay', decision: 'undone', detail: { why: 'queue unavailable' } }],
      })
      .catch((e: unknown) => deps.logger.error({ err: e, id: message.id }, 'replay could not be undone'))
    throw error
  }
  deps.metrics?.replays.inc({ from, outcome: 'requeued' })
  return { outcome: 'requeued', message: changed }
}

/** Replays every message of a sandbox matching the filter, page by page (newest first). */
export async function replayMatching(
  deps: ReplayDeps,
  sandbox: string,
  filter: MessageFilter & { status: ReplayableStatus },
  { by }: { by: string },
): Promise<{ requeued: number; suppressed: number }> {
  let requeued = 0
  let suppressed = 0
  let cursor: string | undefined
  do {
    const page = await deps.store.messages.list(sandbox, filter, { cursor, limit: REPLAY_PAGE })
    const results = await Promise.all(page.items.map((m) => replayMessage(deps, m, { by })))
    for (const r of results) {
      if (r.outcome === 'requeued') requeued++
      else if (r.outcome === 'suppressed') suppressed++
    }
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  return { requeued, suppressed }
}

async function conflict(deps: ReplayDeps, message: MessageRecord): Promise<ReplayResult> {
  const current = await deps.store.messages.get(message.sandbox, message.id)
  return { outcome: 'conflict', message: current ?? message }
}
