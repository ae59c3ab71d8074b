import type { OutboxEntry } from '../../../adapters/types.ts'
import { capDetail } from '../../capping/cap-detail.ts'
import type { Clock } from '../../domain/clock.ts'
import type { MessageRecord } from '../../domain/message.ts'
import { statsSeries } from '../stats-series.ts'
import type {
  AcceptInput,
  AcceptResult,
  Allowlist,
  ConfigDocument,
  ConsentChannel,
  IdempotencyRecord,
  SmsOptOut,
  Store,
} from '../types.ts'
import { memoryLimiter } from './memory-limiter.ts'
import { memoryMessages } from './memory-messages.ts'
import { memoryQueue } from './memory-queue.ts'
import { memorySuppression } from './memory-suppression.ts'
import { tableOf } from './table-of.ts'

const OUTBOX_KEEP = 1000
const STATS_BUCKET_MS = 1000
const STATS_KEEP_MS = 24 * 3600_000

export interface MemoryStoreOptions {
  clock: Clock
  retentionMs?: number
}

/** Every store contract in process memory, with the Redis store's semantics (STYLE habit 4). */
export function memoryStore({ clock, retentionMs = 7 * 86_400_000 }: MemoryStoreOptions): Store {
  const now = () => clock.now()
  const messages = memoryMessages({ now, retentionMs })
  const suppression = memorySuppression({ clock })
  const limiter = memoryLimiter({ clock })
  const queue = memoryQueue({ clock })
  const idempotency = new Map<string, IdempotencyRecord & { expiresAt: number }>()
  const consents = new Map<string, { marketing: boolean; updatedAt: string }>()
  const allowlists = new Map<string, Allowlist>()
  const optOuts = new Map<string, SmsOptOut>()
  const configs = new Map<string, Map<string, ConfigDocument>>()
  const configVersions = new Map<string, number>()
  const outboxes = new Map<string, OutboxEntry[]>()
  const stats = new Map<string, Map<number, Record<string, number>>>()

  const idemKey = (sandbox: string, key: string) => `${sandbox}\u0000${key}`
  const liveIdem = (sandbox: string, key: string) => {
    const r = idempotency.get(idemKey(sandbox, key))
    if (r && r.expiresAt <= now()) {
      idempotency.delete(idemKey(sandbox, key))
      return null
    }
    return r ?? null
  }
  const consentKey = (sandbox: string, channel: ConsentChannel, address: string) =>
    `${sandbox}\u0000${channel}\u0000${address}`
  const configTable = (sandbox: string, kind: string) => {
    const k = `${sandbox}\u0000${kind}`
    return tableOf(configs, k, () => new Map())
  }

  const sweeper = setInterval(() => messages.sweep(), 60_000)
  sweeper.unref()

  function allowlisted(sandbox: string, address: string, domain: string): boolean {
    const list = allowlists.get(sandbox)
    if (!list?.enabled) return true
    return list.entries.includes(address) || list.entries.includes(domain)
  }

  function bumpStats(sandbox: string, status: string, atMs: number, n = 1) {
    const s = tableOf(stats, sandbox, () => new Map())
    const bucket = Math.floor(atMs / STATS_BUCKET_MS) * STATS_BUCKET_MS
    const counts = s.get(bucket) ?? {}
    counts[status] = (counts[status] ?? 0) + n
    s.set(bucket, counts)
    if (s.size > 4096) for (const b of s.keys()) if (b < atMs - STATS_KEEP_MS) s.delete(b)
  }

  /** Writes an intake outcome: the record, its traffic count and (for 200/202) the idempotency answer. */
  function finish(message: MessageRecord, input: AcceptInput, status: number, body: Record<string, unknown>) {
    messages.put(message)
    bumpStats(message.sandbox, message.status, now())
    if (input.idempotency)
      idempotency.set(idemKey(message.sandbox, input.idempotency.key), {
        bodyHash: input.idempotency.bodyHash,
        response: { status, body, ...(input.idempotency.pending ? { pending: true } : {}) },
        expiresAt: now() + input.idempotency.ttlMs,
      })
  }

  async function accept(input: AcceptInput): Promise<AcceptResult> {
    const { message, checks } = input
    const sandbox = message.sandbox
    if (input.idempotency) {
      const prior = liveIdem(sandbox, input.idempotency.key)
      if (prior)
        return prior.bodyHash === input.idempotency.bodyHash
          ? { outcome: 'replay', record: { bodyHash: prior.bodyHash, response: prior.response } }
          : { outcome: 'mismatch' }
    }
    const at = new Date(now()).toISOString()
    const suppressed = (
      reason: string,
      match: Extract<AcceptResult, { outcome: 'suppressed' }>['match'],
    ): AcceptResult => {
      const record: MessageRecord = {
        ...message,
        status: 'suppressed',
        reason,
        trace: [...message.trace, { at, step: match.check, decision: 'suppressed', detail: { reason, ...match } }],
      }
      finish(record, input, 200, { id: record.id, status: 'suppressed', reason })
      return { outcome: 'suppressed', message: record, reason, match }
    }

    const entry = suppression.matchNow(sandbox, checks.suppression)
    if (entry) return suppressed(entry.reason, { check: 'suppression', type: entry.type, value: entry.value })
    if (checks.smsOptOut && optOuts.has(`${checks.smsOptOut.sender}\u0000${checks.smsOptOut.phone}`))
      return suppressed('opted_out', { check: 'sms_opt_out', type: 'phone', value: checks.smsOptOut.phone })
    if (checks.allowlist && !allowlisted(sandbox, checks.allowlist.address, checks.allowlist.domain))
      return suppressed('not_allowed', { check: 'allowlist', value: checks.allowlist.address })
    if (checks.consent) {
      const c = consents.get(consentKey(sandbox, checks.consent.channel, checks.consent.address))
      if (c && !c.marketing) return suppressed('no_consent', { check: 'consent', type: checks.consent.channel })
    }

    let cap: (AcceptResult & { outcome: 'accepted' })['cap']
    if (input.cap) {
      cap = limiter.takeNow(input.cap, true)
      const capTrace = {
        at,
        step: 'capping',
        decision: cap.allowed ? 'admitted' : 'capped',
        detail: capDetail(input.cap.key, cap),
      }
      if (!cap.allowed) {
        const record: MessageRecord = {
          ...message,
          status: 'capped',
          error: {
            code: 'CAPPED',
            detail: `Cap ${input.cap.key} full: ${cap.count}/${cap.limit} in ${cap.windowMs} ms`,
          },
          trace: [...message.trace, capTrace],
        }
        messages.put(record)
        bumpStats(sandbox, 'capped', now())
        return { outcome: 'capped', message: record, cap }
      }
      message.trace = [...message.trace, capTrace]
      message.slotTaken = true
    }
    const record: MessageRecord = {
      ...message,
      trace: [...message.trace, { at, step: 'queue', decision: 'enqueued', detail: { lane: input.enqueue.lane } }],
    }
    finish(record, input, 202, { ...input.acceptedBody, id: record.id, status: record.status })
    void queue.enqueue({ sandbox, id: record.id, lane: input.enqueue.lane }, input.enqueue.atMs)
    return { outcome: 'accepted', message: structuredClone(record), ...(cap ? { cap } : {}) }
  }

  return {
    kind: 'memory',
    accept,
    messages,
    queue,
    suppression,
    limiter,
    idempotency: {
      async get(sandbox, key) {
        const r = liveIdem(sandbox, key)
        return r ? { bodyHash: r.bodyHash, response: r.response } : null
      },
      async complete(sandbox, key, response) {
        const r = liveIdem(sandbox, key)
        if (r) r.response = response
      },
      async claim(sandbox, key, record, ttlMs) {
        const prior = liveIdem(sandbox, key)
        if (prior) return { bodyHash: prior.bodyHash, response: prior.response }
        idempotency.set(idemKey(sandbox, key), { ...record, expiresAt: now() + ttlMs })
        return null
      },
    },
    consents: {
      async get(sandbox, channel, address) {
        return consents.get(consentKey(sandbox, channel, address)) ?? { marketing: true }
      },
      async set(sandbox, channel, address, marketing) {
        consents.set(consentKey(sandbox, channel, address), { marketing, updatedAt: new Date(now()).toISOString() })
      },
    },
    allowlist: {
      async get(sandbox) {
        return structuredClone(allowlists.get(sandbox) ?? { enabled: false, entries: [] })
      },
      async set(sandbox, list) {
        allowlists.set(sandbox, structuredClone(list))
        return list
      },
    },
    smsOptOuts: {
      async get(sender, phone) {
        return optOuts.get(`${sender}\u0000${phone}`) ?? null
      },
      async listForPhone(phone) {
        return [...optOuts.values()].filter((o) => o.phone === phone)
      },
      async add(sender, phone) {
        optOuts.set(`${sender}\u0000${phone}`, { sender, phone, at: new Date(now()).toISOString() })
      },
      async remove(sender, phone) {
        optOuts.delete(`${sender}\u0000${phone}`)
      },
    },
    configs: {
      async get(sandbox, kind, uid) {
        const d = configTable(sandbox, kind).get(uid)
        return d ? structuredClone(d) : null
      },
      async list(sandbox, kind) {
        return [...configTable(sandbox, kind).values()].map((d) => structuredClone(d))
      },
      async put(sandbox, kind, doc) {
        configTable(sandbox, kind).set(doc.uid, structuredClone(doc))
        configVersions.set(sandbox, (configVersions.get(sandbox) ?? 0) + 1)
      },
      async remove(sandbox, kind, uid) {
        const had = configTable(sandbox, kind).delete(uid)
        configVersions.set(sandbox, (configVersions.get(sandbox) ?? 0) + 1)
        return had
      },
      async version(sandbox) {
        return configVersions.get(sandbox) ?? 0
      },
    },
    outbox: {
      async record(entry) {
        const list = outboxes.get(entry.sandbox) ?? []
        list.unshift(structuredClone(entry))
        if (list.length > OUTBOX_KEEP) list.length = OUTBOX_KEEP
        outboxes.set(entry.sandbox, list)
      },
      async list(sandbox, filter) {
        const list = outboxes.get(sandbox) ?? []
        return list.filter((e) => !filter.to || e.to === filter.to).slice(0, filter.limit)
      },
    },
    stats: {
      async bump(sandbox, status, atMs, n = 1) {
        bumpStats(sandbox, status, atMs, n)
      },
      async series(sandbox, sinceMs, untilMs, stepMs) {
        const s = stats.get(sandbox)
        return statsSeries((b) => s?.get(b), { sinceMs, untilMs, stepMs, bucketMs: STATS_BUCKET_MS })
      },
    },
    async ping() {},
    async close() {
      clearInterval(sweeper)
    },
  }
}
