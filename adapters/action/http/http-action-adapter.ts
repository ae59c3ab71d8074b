/**
 * The custom action adapter (`channel: "action"`, SPEC section 5): one attempt per `send()`, the
 * dispatcher owning retries and the budget. Every attempt carries `Idempotency-Key: <message id>` so a
 * receiver can drop the duplicates that at-least-once delivery and ambiguous timeouts produce.
 */

import type { MessageRecord } from '../../../src/domain/message.ts'
import type { ChannelAdapter, SendResult } from '../../types.ts'
import { dropNullItems } from './drop-null-items.ts'
import {
  type HttpCallResult,
  type SafeHttpClient,
  type SafeHttpClientOptions,
  safeHttpClient,
} from './safe-http-client.ts'

export interface HttpActionAdapterOptions extends SafeHttpClientOptions {
  /** A client shared with status callbacks; the adapter then leaves closing it to its owner. */
  client?: SafeHttpClient
}

/** AJO does not retry these: the endpoint refused who we are or what we asked for. */
const permanentStatuses = new Set([401, 403, 404])

/** Builds the adapter; `close()` ends its connection pools. */
export function httpActionAdapter({
  client,
  ...clientOptions
}: HttpActionAdapterOptions = {}): ChannelAdapter & { close(): Promise<void> } {
  const http = client ?? safeHttpClient(clientOptions)
  return {
    name: 'http',
    channels: ['action'],
    async send(message, context) {
      const { url, action, json } = actionOf(message)
      const result = await http.call({
        url,
        method: action.method,
        headers: { ...action.headers, 'idempotency-key': message.id },
        body: action.dropNulls ? dropNullItems(json) : json,
        timeoutMs: context.timeoutMs,
        signal: context.signal,
      })
      return sendResultOf(result)
    },
    async close() {
      if (!client) await http.close()
    },
  }
}

/** The action retry rule of SPEC section 5 applied to one call's outcome. */
export function sendResultOf(result: HttpCallResult): SendResult {
  if (result.ok) return { ok: true, detail: result.detail }
  const { code, detail, sent, status } = result
  switch (result.failure) {
    case 'blocked':
      return { ok: false, code, retryable: false, detail }
    case 'redirect':
      return { ok: false, code, retryable: false, detail, httpStatus: status }
    case 'timeout':
    case 'network':
    case 'aborted':
      return { ok: false, code, retryable: true, ambiguous: sent, detail }
    case 'status': {
      const retryable = status !== undefined && status >= 400 && !permanentStatuses.has(status)
      const retryAfter = result.retryAfterMs === undefined ? {} : { retryAfterMs: result.retryAfterMs }
      return { ok: false, code, retryable, ...retryAfter, detail, httpStatus: status }
    }
  }
}

/** A dispatched action always has a URL and an action spec: anything else is a bug upstream. */
function actionOf(message: MessageRecord): {
  url: string
  action: NonNullable<MessageRecord['action']>
  json: unknown
} {
  if (typeof message.to !== 'string' || !message.action) {
    throw new TypeError(`message ${message.id} is not a custom action (no URL or no action spec)`)
  }
  return { url: message.to, action: message.action, json: message.content.json }
}
