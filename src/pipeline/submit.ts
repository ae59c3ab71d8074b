import type { Principal } from '../auth/credentials.ts'
import { sleep } from '../domain/clock.ts'
import { ConflictError, GatewayError } from '../domain/errors.ts'
import { laneOf, type MessageRecord, settledStatuses } from '../domain/message.ts'
import type { GatewayDeps } from '../http/gateway-deps.ts'
import { bodyHashOf } from './intake.ts'
import { outcomeBody } from './message-view.ts'

const DUPLICATE_WAIT_MS = 5000
const POLL_MS = 50
const MAX_WAIT_S = 30

export interface SubmitAnswer {
  status: number
  body: Record<string, unknown>
  headers: Record<string, string>
  message?: MessageRecord
}

/** `Prefer: wait=N` → N seconds (clamped to 30); anything else → 0. */
export function preferredWait(prefer: string | undefined): number {
  const m = /(?:^|[,;\s])wait\s*=\s*(\d+)/i.exec(prefer ?? '')
  return m ? Math.min(Number(m[1]), MAX_WAIT_S) : 0
}

/**
 * One message from raw JSON to its answer: intake (validate, render, one store step), then either the
 * 202, the synchronous outcome (`Prefer: wait`) or the decision made at intake. Shared by the message,
 * batch, Campaign and AJO routes.
 */
export async function submitMessage(
  deps: GatewayDeps,
  principal: Principal,
  raw: unknown,
  { idempotencyKey, waitSeconds = 0 }: { idempotencyKey?: string; waitSeconds?: number } = {},
): Promise<SubmitAnswer> {
  const { intake, lifecycle, config, dispatcher, status, clock, store } = deps
  if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > 255))
    throw new GatewayError('VALIDATION', 'Idempotency-Key must be 1 to 255 characters', {
      errors: [{ path: 'Idempotency-Key', message: 'must be 1 to 255 characters' }],
    })
  const prepared = intake.prepare(principal, raw)
  const canWait =
    waitSeconds > 0 &&
    !lifecycle.shuttingDown &&
    lifecycle.syncWaiters < config.MAX_SYNC_WAITERS &&
    config.ROLE === 'all'
  const preference: Record<string, string> =
    waitSeconds > 0 && config.ROLE === 'all' ? { 'preference-applied': `wait=${waitSeconds}` } : {}
  const holdMs = canWait ? waitSeconds * 1000 + 5000 : 0
  const result = await intake.accept(prepared, {
    ...(idempotencyKey ? { idempotencyKey, bodyHash: bodyHashOf(raw) } : {}),
    holdMs,
  })

  switch (result.outcome) {
    case 'mismatch':
      throw new GatewayError('IDEMPOTENCY_MISMATCH', 'This Idempotency-Key was used with a different body')
    case 'replay': {
      let record = result.record
      const until = clock.now() + DUPLICATE_WAIT_MS
      while (record.response.pending && idempotencyKey) {
        if (clock.now() >= until)
          throw new ConflictError('The first request with this Idempotency-Key is still being handled', {
            'retry-after': '1',
          })
        await sleep(POLL_MS)
        record = (await store.idempotency.get(principal.sandbox, idempotencyKey)) ?? record
      }
      return { status: record.response.status, body: record.response.body, headers: { 'idempotent-replayed': 'true' } }
    }
    case 'suppressed':
      status.recorded(result.message)
      deps.metrics.suppressionHits.inc({ check: result.match.check })
      return {
        status: 200,
        body: { id: result.message.id, status: 'suppressed', reason: result.reason },
        headers: {},
        message: result.message,
      }
    case 'capped': {
      status.recorded(result.message)
      deps.metrics.capRejections.inc({ kind: 'intake' })
      const seconds = Math.max(1, Math.ceil(result.cap.retryAfterMs / 1000))
      throw new GatewayError('CAPPED', result.message.error?.detail ?? 'Capped', {
        headers: { 'retry-after': String(seconds) },
        extra: { messageId: result.message.id },
      })
    }
    case 'accepted':
      break
  }

  const accepted = result.message
  status.recorded(accepted, null)
  const body: Record<string, unknown> = {
    id: accepted.id,
    status: accepted.status,
    ...(accepted.segments !== undefined ? { segments: accepted.segments, encoding: accepted.encoding } : {}),
  }
  const held =
    holdMs > 0 && accepted.status === 'queued' && !(accepted.sendAt && Date.parse(accepted.sendAt) > clock.now())
  if (!held) {
    dispatcher.nudge()
    return { status: 202, body, headers: preference, message: accepted }
  }

  lifecycle.syncWaiters++
  try {
    const settled = await waitForOutcome(deps, accepted, waitSeconds * 1000)
    if (settled && settledStatuses.has(settled.status)) {
      const outcome = outcomeBody(settled)
      if (idempotencyKey)
        await store.idempotency.complete(principal.sandbox, idempotencyKey, { status: 200, body: outcome })
      return { status: 200, body: outcome, headers: preference, message: settled }
    }
    if (idempotencyKey) await store.idempotency.complete(principal.sandbox, idempotencyKey, { status: 202, body })
    return { status: 202, body, headers: preference, message: accepted }
  } finally {
    lifecycle.syncWaiters--
  }
}

async function waitForOutcome(
  deps: GatewayDeps,
  message: MessageRecord,
  waitMs: number,
): Promise<MessageRecord | null> {
  const { dispatcher, store, clock, lifecycle } = deps
  const until = clock.now() + waitMs
  // The record just accepted is what the store holds: dispatch it without reading it back.
  const run = dispatcher.dispatchNow({ sandbox: message.sandbox, id: message.id, lane: laneOf(message) }, message)
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), waitMs)
  })
  let latest = await Promise.race([run, timedOut])
  clearTimeout(timer)
  while ((!latest || !settledStatuses.has(latest.status)) && clock.now() < until && !lifecycle.shuttingDown) {
    await sleep(POLL_MS * 2)
    latest = await store.messages.get(message.sandbox, message.id)
  }
  return latest
}
