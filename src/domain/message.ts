/** Message model shared by intake, dispatch, stores and adapters (SPEC section 4). */

export const channels = ['email', 'sms', 'mms', 'push', 'action', 'campaign'] as const
export type Channel = (typeof channels)[number]

export const statuses = [
  'queued',
  'throttled',
  'sending',
  'sent',
  'delivered',
  'retrying',
  'failed',
  'capped',
  'suppressed',
  'expired',
  'canceled',
] as const
export type MessageStatus = (typeof statuses)[number]

/** Statuses nothing leaves except an explicit retry or replay. */
export const terminalStatuses: ReadonlySet<MessageStatus> = new Set([
  'failed',
  'capped',
  'suppressed',
  'expired',
  'canceled',
])
/** Statuses a `Prefer: wait` caller is answered on. */
export const settledStatuses: ReadonlySet<MessageStatus> = new Set([...terminalStatuses, 'sent', 'delivered'])
export const cancelableStatuses: ReadonlySet<MessageStatus> = new Set(['queued', 'throttled', 'retrying'])

export type Category = 'transactional' | 'marketing'
export type Priority = 'high' | 'normal' | 'low'
export type Lane = 'fast' | 'slow'

export interface PushTarget {
  token: string
  platform: 'fcm' | 'apns'
  registeredAt?: string
}
export interface CampaignTarget {
  email?: string
  mobilePhone?: string
  wishedChannel?: number
}
export type Recipient = string | PushTarget | CampaignTarget

export interface Attachment {
  filename: string
  contentType: string
  contentBase64: string
}

/** Push fields of SPEC section 8, already rendered. */
export interface PushContent {
  title?: string
  body?: string
  image?: string
  data?: Record<string, string>
  badge?: number
  sound?: string
  contentAvailable?: boolean
  mutableContent?: boolean
  collapseKey?: string
  ttlSeconds?: number
  priority?: 'high' | 'normal'
  pushType?: string
  fcm?: Record<string, unknown>
  apns?: Record<string, unknown>
}

/** What a message says, rendered once at intake and never re-rendered. */
export interface RenderedContent {
  subject?: string
  html?: string
  text?: string
  body?: string
  mediaUrls?: string[]
  attachments?: Attachment[]
  push?: PushContent
  /** Custom action JSON body. */
  json?: unknown
  /** Campaign channel: event type and ctx. */
  eventType?: string
  ctx?: Record<string, unknown>
}

export interface ActionSpec {
  method: 'POST' | 'PUT' | 'GET'
  headers: Record<string, string>
  timeoutMs: number
  dropNulls: boolean
}

export interface MessageError {
  code: string
  detail: string
}

export type AttemptOutcome = 'success' | 'failure' | 'unknown'
export interface Attempt {
  n: number
  at: string
  durationMs: number
  outcome: AttemptOutcome
  code?: string
  detail?: string
}

export interface TraceEntry {
  at: string
  step: string
  decision: string
  detail?: Record<string, unknown> | string
}

/** The stored record of one message. `sandbox` is the tenant; ids are unique across sandboxes. */
export interface MessageRecord {
  id: string
  sandbox: string
  channel: Channel
  to: Recipient
  category: Category
  priority: Priority
  status: MessageStatus
  createdAt: string
  updatedAt: string
  template?: string
  content: RenderedContent
  action?: ActionSpec
  from?: string
  replyTo?: string
  callbackUrl?: string
  metadata?: Record<string, unknown>
  sendAt?: string
  expiresAt?: string
  provider?: string
  providerMessageId?: string
  error?: MessageError
  segments?: number
  encoding?: 'GSM-7' | 'UCS-2'
  reason?: string
  attempts: Attempt[]
  trace: TraceEntry[]
  /** Attempts made in the current series (a retry or replay starts a new one). */
  seriesAttempts: number
  /** True when intake already took the capping slot of the first attempt. */
  slotTaken?: boolean
  /** Whether the sandbox adapters handle it (test keys and channels in sandbox mode). */
  sandboxed: boolean
}

export const laneOf = (m: Pick<MessageRecord, 'category' | 'priority'>): Lane =>
  m.category === 'transactional' || m.priority === 'high' ? 'fast' : 'slow'

/** The recipient's primary address as a string, for indexes, filters and suppression. */
export function recipientKey(to: Recipient): string {
  if (typeof to === 'string') return to
  if ('token' in to) return to.token
  return to.email ?? to.mobilePhone ?? ''
}
