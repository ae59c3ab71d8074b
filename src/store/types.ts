/**
 * Store contracts. Two implementations (memory/ and redis/) with the same semantics, checked by one
 * conformance suite (test/conformance/store.suite.ts). Everything is scoped by sandbox except SMS
 * opt-outs, which belong to the sending number (SPEC section 7).
 */
import type { OutboxEntry } from '../../adapters/types.ts'
import type { Attempt, Channel, Lane, MessageRecord, MessageStatus, TraceEntry } from '../domain/message.ts'

// ---------------------------------------------------------------- limits

export interface WindowLimit {
  limit: number
  windowMs: number
}

/** A limiter decision (STYLE habit 1: a value, not an exception). */
export interface LimitDecision {
  allowed: boolean
  /** Admissions counted in the window that decided (after this one when allowed). */
  count: number
  limit: number
  windowMs: number
  /** When the counter would next admit; 0 when allowed. */
  retryAfterMs: number
}

/**
 * A capping request: one admission record per `key`, judged against `windows`. When `slow` is set,
 * the store reads the key's latency mean and uses `slow.windows` instead while the endpoint is slow.
 */
export interface CapRequest {
  sandbox: string
  /** Limit key within the sandbox: `host:<host>`, `config:<uid>`, `pacing`, `throttle:<uid>` ... */
  key: string
  windows: WindowLimit[]
  slow?: { windows: WindowLimit[]; thresholdMs: number }
}

export interface SlidingWindowStore {
  /** Takes one slot if every window has room; a rejected call costs nothing. */
  take(request: CapRequest): Promise<LimitDecision & { slow: boolean }>
  /** Current use, without taking anything. */
  peek(request: CapRequest): Promise<LimitDecision & { slow: boolean }>
  /** Records an attempt duration in the key's exponentially weighted mean (α = 0.2); returns the mean. */
  observeLatency(sandbox: string, key: string, durationMs: number): Promise<number>
}

// ---------------------------------------------------------------- suppression and consent

export const suppressionTypes = ['email', 'domain', 'phone', 'push_token'] as const
export type SuppressionType = (typeof suppressionTypes)[number]
export const suppressionReasons = ['manual', 'hard_bounce', 'soft_bounce', 'complaint', 'invalid_token'] as const
export type SuppressionReason = (typeof suppressionReasons)[number]

export interface SuppressionKey {
  type: SuppressionType
  value: string
}

export interface SuppressionEntry extends SuppressionKey {
  reason: SuppressionReason
  source: string
  comment?: string
  createdAt: string
  expiresAt?: string
}

export interface SuppressionFilter {
  type?: SuppressionType
  reason?: SuppressionReason
  domain?: string
  since?: string
  until?: string
}

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

export interface SuppressionStore {
  add(sandbox: string, entries: SuppressionEntry[]): Promise<SuppressionEntry[]>
  get(sandbox: string, key: SuppressionKey): Promise<SuppressionEntry | null>
  remove(sandbox: string, key: SuppressionKey): Promise<boolean>
  /** First unexpired entry among `keys`, in order. */
  match(sandbox: string, keys: SuppressionKey[]): Promise<SuppressionEntry | null>
  list(
    sandbox: string,
    filter: SuppressionFilter,
    page: { cursor?: string; limit: number },
  ): Promise<Page<SuppressionEntry>>
  /** Deletes (or with dryRun only counts) every entry matching the filter. */
  bulkDelete(sandbox: string, filter: SuppressionFilter, dryRun: boolean): Promise<number>
  /** Counts a consecutive soft bounce; returns the count after it. */
  countSoftBounce(sandbox: string, key: SuppressionKey): Promise<number>
  resetSoftBounce(sandbox: string, key: SuppressionKey): Promise<void>
}

export type ConsentChannel = 'email' | 'sms' | 'push'
export interface ConsentStore {
  get(sandbox: string, channel: ConsentChannel, address: string): Promise<{ marketing: boolean; updatedAt?: string }>
  set(sandbox: string, channel: ConsentChannel, address: string, marketing: boolean): Promise<void>
}

export interface Allowlist {
  enabled: boolean
  entries: string[]
}
export interface AllowlistStore {
  get(sandbox: string): Promise<Allowlist>
  set(sandbox: string, list: Allowlist): Promise<Allowlist>
}

export interface SmsOptOut {
  sender: string
  phone: string
  at: string
}
/** Deployment-wide: carriers enforce STOP per sending number. */
export interface SmsOptOutStore {
  get(sender: string, phone: string): Promise<SmsOptOut | null>
  listForPhone(phone: string): Promise<SmsOptOut[]>
  add(sender: string, phone: string): Promise<void>
  remove(sender: string, phone: string): Promise<void>
}

// ---------------------------------------------------------------- messages

export interface MessageFilter {
  status?: MessageStatus
  channel?: Channel
  to?: string
  since?: string
  until?: string
  code?: string
}

/** One atomic change of a message record. */
export interface MessageChange {
  /** Apply only when the current status is one of these (compare-and-set). */
  expectStatus?: readonly MessageStatus[]
  set?: Partial<Omit<MessageRecord, 'id' | 'sandbox' | 'attempts' | 'trace'>>
  /** Fields to remove (e.g. `error` when a replay starts). */
  unset?: ReadonlyArray<keyof MessageRecord>
  trace?: TraceEntry[]
  attempt?: Attempt
  /**
   * The caller's copy of the record. A store may then answer with the change applied to it instead of
   * reading the whole record back (rendered content included); entries others appended meanwhile are in
   * the stored record, not in that answer.
   */
  base?: MessageRecord
}

export type ChangeResult = { ok: true; message: MessageRecord } | { ok: false; message: MessageRecord | null }

export interface MessageRepository {
  get(sandbox: string, id: string): Promise<MessageRecord | null>
  list(sandbox: string, filter: MessageFilter, page: { cursor?: string; limit: number }): Promise<Page<MessageRecord>>
  update(sandbox: string, id: string, change: MessageChange): Promise<ChangeResult>
  /** Writes a record as it is (no intake checks); used by bridges that record refused events. */
  insert(message: MessageRecord): Promise<void>
}

// ---------------------------------------------------------------- idempotency

export interface StoredResponse {
  status: number
  body: Record<string, unknown>
  /** True while a `Prefer: wait` call that claimed the key has not answered yet. */
  pending?: boolean
}

export interface IdempotencyRecord {
  bodyHash: string
  response: StoredResponse
}

export interface IdempotencyStore {
  get(sandbox: string, key: string): Promise<IdempotencyRecord | null>
  /** Replaces the stored response (a sync call answering after its outcome). */
  complete(sandbox: string, key: string, response: StoredResponse): Promise<void>
  /** Claims a key for a response computed outside `accept` (AJO requestId, batch items). */
  claim(sandbox: string, key: string, record: IdempotencyRecord, ttlMs: number): Promise<IdempotencyRecord | null>
}

// ---------------------------------------------------------------- queue

export interface QueueItem {
  sandbox: string
  id: string
  lane: Lane
}

/** Durable dispatch queue with delayed items, two lanes and leases that expire when a process dies. */
export interface DispatchQueue {
  enqueue(item: QueueItem, atMs: number): Promise<void>
  /** Up to `max` due items of `lane`, leased until now + leaseMs. */
  claim(lane: Lane, max: number, leaseMs: number): Promise<QueueItem[]>
  /** Done with the item: it leaves the queue. */
  ack(item: QueueItem): Promise<void>
  /** Puts a claimed item back, due at `atMs`. */
  defer(item: QueueItem, atMs: number): Promise<void>
  /** Items waiting (due or delayed) per lane. */
  depth(): Promise<Record<Lane, number>>
  /** Milliseconds until the earliest delayed item is due (null when none); lets dispatchers sleep. */
  nextDueInMs(): Promise<number | null>
}

// ---------------------------------------------------------------- configs, outbox, stats

export type ConfigKind = 'endpoint' | 'throttling' | 'callbacks'
export interface ConfigDocument {
  uid: string
  [field: string]: unknown
}

export interface ConfigStore {
  get(sandbox: string, kind: ConfigKind, uid: string): Promise<ConfigDocument | null>
  list(sandbox: string, kind: ConfigKind): Promise<ConfigDocument[]>
  put(sandbox: string, kind: ConfigKind, doc: ConfigDocument): Promise<void>
  remove(sandbox: string, kind: ConfigKind, uid: string): Promise<boolean>
  /** Bumped on every change of the sandbox's configs; lets processes cache deployed configs. */
  version(sandbox: string): Promise<number>
}

export interface OutboxStore {
  record(entry: OutboxEntry): Promise<void>
  /** Newest first; the last 1,000 per sandbox are kept. */
  list(sandbox: string, filter: { to?: string; limit: number }): Promise<OutboxEntry[]>
}

export interface StatsBucket {
  at: string
  byStatus: Record<string, number>
}
export interface StatsStore {
  /** Counts `n` (default 1) status changes in the bucket of `atMs`. `accept` counts its own outcome. */
  bump(sandbox: string, status: MessageStatus, atMs: number, n?: number): Promise<void>
  series(sandbox: string, sinceMs: number, untilMs: number, stepMs: number): Promise<StatsBucket[]>
}

// ---------------------------------------------------------------- intake: one store step

export interface AcceptInput {
  /** The record to write, status `queued` (or `throttled`), trace holding the decisions made so far. */
  message: MessageRecord
  idempotency?: { key: string; bodyHash: string; ttlMs: number; pending?: boolean }
  /** Body of the 202 answer stored for replays (`id` and `status` are taken from the record). */
  acceptedBody: Record<string, unknown>
  checks: {
    /** In order: address, then domain. */
    suppression: SuppressionKey[]
    smsOptOut?: { sender: string; phone: string }
    allowlist?: { address: string; domain: string }
    consent?: { channel: ConsentChannel; address: string }
  }
  /** The first attempt's capping slot, taken only when every check passes. */
  cap?: CapRequest
  enqueue: { lane: Lane; atMs: number }
}

export type AcceptResult =
  | { outcome: 'accepted'; message: MessageRecord; cap?: LimitDecision & { slow: boolean } }
  | {
      outcome: 'suppressed'
      message: MessageRecord
      reason: string
      match: { check: 'suppression' | 'sms_opt_out' | 'allowlist' | 'consent'; type?: string; value?: string }
    }
  | { outcome: 'capped'; message: MessageRecord; cap: LimitDecision & { slow: boolean } }
  | { outcome: 'replay'; record: IdempotencyRecord }
  | { outcome: 'mismatch' }

export interface Store {
  readonly kind: 'memory' | 'redis'
  /**
   * Accepting a message is one atomic step: claim the idempotency key, check suppression, opt-out,
   * allowlist and consent, take the capping slot, write the record and its indexes, and enqueue.
   * In Redis it is one script call (one round trip).
   */
  accept(input: AcceptInput): Promise<AcceptResult>
  messages: MessageRepository
  idempotency: IdempotencyStore
  queue: DispatchQueue
  suppression: SuppressionStore
  consents: ConsentStore
  allowlist: AllowlistStore
  smsOptOuts: SmsOptOutStore
  limiter: SlidingWindowStore
  configs: ConfigStore
  outbox: OutboxStore
  stats: StatsStore
  /** Resolves when the store answers; rejects otherwise (readiness). */
  ping(): Promise<void>
  close(): Promise<void>
}
