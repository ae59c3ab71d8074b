import { maskHeaders, maskRecipient } from '../domain/mask.ts'
import type { MessageRecord } from '../domain/message.ts'

/** The API's view of a record: masked recipient and action headers, no internal fields (SPEC section 4). */
export function messageView(m: MessageRecord): Record<string, unknown> {
  return {
    id: m.id,
    channel: m.channel,
    to: maskRecipient(m.to),
    category: m.category,
    priority: m.priority,
    status: m.status,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    provider: m.provider ?? null,
    providerMessageId: m.providerMessageId ?? null,
    ...(m.template ? { template: m.template } : {}),
    ...(m.reason ? { reason: m.reason } : {}),
    ...(m.error ? { error: m.error } : {}),
    ...(m.segments !== undefined ? { segments: m.segments, encoding: m.encoding } : {}),
    ...(m.action
      ? { action: { method: m.action.method, headers: maskHeaders(m.action.headers), timeoutMs: m.action.timeoutMs } }
      : {}),
    ...(m.metadata ? { metadata: m.metadata } : {}),
    ...(m.sendAt ? { sendAt: m.sendAt } : {}),
    ...(m.expiresAt ? { expiresAt: m.expiresAt } : {}),
    ...(m.callbackUrl ? { callbackUrl: m.callbackUrl } : {}),
    attempts: m.attempts,
    trace: m.trace,
  }
}

/** The synchronous (`Prefer: wait`) answer: `{id, status, error?, attempts}` plus the rest of the view. */
export function outcomeBody(m: MessageRecord): Record<string, unknown> {
  return messageView(m)
}
