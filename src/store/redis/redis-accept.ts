import { capDetail } from '../../capping/cap-detail.ts'
import type { MessageRecord } from '../../domain/message.ts'
import type { AcceptInput, AcceptResult } from '../types.ts'
import { indexMember, recordFields } from './message-fields.ts'
import { consentField } from './redis-consents.ts'
import type { RedisContext } from './redis-context.ts'
import { capArgument, decisionFrom } from './redis-limiter.ts'
import { queueItemKey } from './redis-queue.ts'
import { optOutField } from './redis-sms-opt-outs.ts'
import { STATS_KEEP_MS, statsBucketOf, statsMinuteOf } from './redis-stats.ts'
import { suppressionField } from './redis-suppression.ts'

type Suppressed = Extract<AcceptResult, { outcome: 'suppressed' }>

/**
 * The intake store step (accept-15.lua): one script call per message on a single node. In cluster mode
 * an SMS message first reads its opt-out (the only state outside the sandbox's slot), and the first
 * message of a sandbox seen by this process registers the sandbox's queue (see redis-queue.ts).
 */
export function redisAccept(
  ctx: RedisContext,
  queue: { tagOf(sandbox: string): string | null; activate(sandbox: string): Promise<void> },
) {
  const { client, keys, run, offset, cluster, retentionMs } = ctx

  return async function accept(input: AcceptInput): Promise<AcceptResult> {
    const { message, checks } = input
    const sandbox = message.sandbox
    const capSandbox = input.cap?.sandbox ?? sandbox
    const tag = queue.tagOf(sandbox)
    const opt = checks.smsOptOut ? optOutField(checks.smsOptOut.sender, checks.smsOptOut.phone) : undefined
    const optFlag = cluster && opt ? await client.hexists(keys.optOuts, opt) : undefined
    const params = {
      o: offset(),
      r: retentionMs,
      m: indexMember(message),
      b: JSON.stringify({ ...input.acceptedBody, id: message.id, status: message.status }),
      ...(input.idempotency
        ? {
            i: {
              h: input.idempotency.bodyHash,
              t: Math.max(1, Math.round(input.idempotency.ttlMs)),
              ...(input.idempotency.pending ? { p: true } : {}),
            },
          }
        : {}),
      sup: checks.suppression.map(suppressionField),
      ...(opt && checks.smsOptOut ? { opt, optPhone: checks.smsOptOut.phone } : {}),
      ...(optFlag !== undefined ? { optFlag } : {}),
      ...(checks.allowlist ? { al: { a: checks.allowlist.address, d: checks.allowlist.domain } } : {}),
      ...(checks.consent
        ? { con: { f: consentField(checks.consent.channel, checks.consent.address), c: checks.consent.channel } }
        : {}),
      ...(input.cap ? { cap: capArgument(input.cap) } : {}),
      lane: input.enqueue.lane,
      at: Math.round(input.enqueue.atMs),
      item: queueItemKey(message),
      st: { f: statsBucketOf(ctx.clock.now()), k: STATS_KEEP_MS },
    }
    const reply = (await run(
      'accept',
      [
        input.idempotency ? keys.idempotency(sandbox, input.idempotency.key) : keys.unused(sandbox),
        keys.message(sandbox, message.id),
        keys.messageIndex(sandbox),
        keys.suppressions(sandbox),
        keys.suppressionExpiries(sandbox),
        keys.consents(sandbox),
        keys.allowlistOn(sandbox),
        keys.allowlistSet(sandbox),
        input.cap ? keys.limiter(capSandbox, input.cap.key) : keys.unused(sandbox),
        input.cap ? keys.latency(capSandbox, input.cap.key) : keys.unused(sandbox),
        keys.queueLane(tag, input.enqueue.lane),
        keys.queueIndex(tag),
        keys.queueSequence(tag),
        cluster ? keys.unused(sandbox) : keys.optOuts,
        keys.stats(sandbox, statsMinuteOf(ctx.clock.now())),
      ],
      [JSON.stringify(params), ...recordFields(message)],
    )) as unknown[]

    const [outcome, at = '', ...rest] = reply as [string, string?, ...unknown[]]
    switch (outcome) {
      case 'replay':
        return { outcome: 'replay', record: { bodyHash: at, response: JSON.parse(rest[0] as string) } }
      case 'mismatch':
        return { outcome: 'mismatch' }
      case 'suppressed': {
        const [reason, check, type, value] = rest as [string, Suppressed['match']['check'], string, string]
        const match: Suppressed['match'] = { check, ...(type ? { type } : {}), ...(value ? { value } : {}) }
        const record: MessageRecord = {
          ...message,
          status: 'suppressed',
          reason,
          trace: [...message.trace, { at, step: check, decision: 'suppressed', detail: { reason, ...match } }],
        }
        return { outcome: 'suppressed', message: record, reason, match }
      }
    }
    const cap = rest.length > 0 && input.cap ? decisionFrom(rest) : undefined
    const capTrace =
      cap && input.cap
        ? [
            {
              at,
              step: 'capping',
              decision: cap.allowed ? 'admitted' : 'capped',
              detail: capDetail(input.cap.key, cap),
            },
          ]
        : []
    if (outcome === 'capped' && cap && input.cap) {
      const record: MessageRecord = {
        ...message,
        status: 'capped',
        error: { code: 'CAPPED', detail: `Cap ${input.cap.key} full: ${cap.count}/${cap.limit} in ${cap.windowMs} ms` },
        trace: [...message.trace, ...capTrace],
      }
      return { outcome: 'capped', message: record, cap }
    }
    if (outcome !== 'accepted') throw new Error(`accept script answered ${String(outcome)}`)
    await queue.activate(sandbox)
    // As the memory store does: the caller's record gains the capping decision.
    if (cap) {
      message.trace = [...message.trace, ...capTrace]
      message.slotTaken = true
    }
    const record: MessageRecord = {
      ...message,
      trace: [...message.trace, { at, step: 'queue', decision: 'enqueued', detail: { lane: input.enqueue.lane } }],
    }
    return { outcome: 'accepted', message: record, ...(cap ? { cap } : {}) }
  }
}
