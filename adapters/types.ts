/**
 * The channel adapter contract. Adapters import only this file and `src/domain/*`; they report an
 * outcome with a `suppress` hint and the dispatch step applies the suppression rules (STYLE.md).
 */
import type { Channel, MessageRecord } from '../src/domain/message.ts'

/** What the dispatch step should record about the recipient after this answer. */
export type SuppressHint =
  | { kind: 'hard_bounce' }
  | { kind: 'soft_bounce' }
  | { kind: 'complaint' }
  | { kind: 'invalid_token' }
  | { kind: 'opted_out'; sender: string; phone: string }
  /** The recipient unsubscribed from marketing (consent `marketing: false`). */
  | { kind: 'unsubscribed' }
  | { kind: 'success' }

export type SendResult =
  | {
      ok: true
      providerMessageId?: string
      /** True when the provider already confirmed delivery (sandbox adapters). */
      delivered?: boolean
      /** A delivery receipt follows (Twilio status callbacks): soft-bounce counting waits for it. */
      awaitsReceipt?: boolean
      /** Asynchronous side effect the sandbox simulates after delivery (complaint). */
      suppress?: SuppressHint
      detail?: string
    }
  | {
      ok: false
      /** Message error code of SPEC section 4: `HTTP_500`, `NETWORK`, `HARD_BOUNCE`, `PROVIDER_TWILIO_21211` ... */
      code: string
      retryable: boolean
      /** The provider may have acted on it: provider channels never re-send (`AMBIGUOUS`). */
      ambiguous?: boolean
      retryAfterMs?: number
      suppress?: SuppressHint
      detail: string
      /** HTTP status of an action's answer, when there was one. */
      httpStatus?: number
    }

export interface SendContext {
  /** The attempt number in this series, from 1. */
  attempt: number
  /** Milliseconds this attempt may take (custom actions: the budget left). */
  timeoutMs: number
  signal?: AbortSignal
}

export interface ChannelAdapter {
  readonly name: string
  readonly channels: readonly Channel[]
  send(message: MessageRecord, context: SendContext): Promise<SendResult>
  /** Checks configuration at start-up; throws with a clear message when it is wrong. */
  verify?(): Promise<void>
  close?(): Promise<void>
}

/** Where sandbox adapters write what they "sent" (SPEC section 9, `GET /v1/outbox`). */
export interface OutboxWriter {
  record(entry: OutboxEntry): Promise<void>
}

export interface OutboxEntry {
  sandbox: string
  messageId: string
  channel: Channel
  to: string
  at: string
  rendered: Record<string, unknown>
}
