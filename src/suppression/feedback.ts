import type { SuppressHint } from '../../adapters/types.ts'
import type { Clock } from '../domain/clock.ts'
import { type MessageRecord, type PushTarget, recipientKey, type TraceEntry } from '../domain/message.ts'
import type { Store, SuppressionKey, SuppressionReason } from '../store/types.ts'

/** The suppression key an adapter's hint is about. */
export function suppressionKeyOf(message: MessageRecord): SuppressionKey | null {
  switch (message.channel) {
    case 'email':
      return { type: 'email', value: message.to as string }
    case 'sms':
    case 'mms':
      return { type: 'phone', value: message.to as string }
    case 'push':
      return { type: 'push_token', value: (message.to as PushTarget).token }
    case 'campaign': {
      const value = recipientKey(message.to)
      return value ? { type: value.includes('@') ? 'email' : 'phone', value } : null
    }
    default:
      return null
  }
}

/**
 * Applies the suppression rules of SPEC section 7 to an adapter's `suppress` hint: hard bounces,
 * complaints and invalid tokens suppress at once; soft bounces at the threshold-th consecutive one;
 * a success resets the count. Returns the trace entry describing what was done.
 */
export function createFeedback({
  store,
  clock,
  softBounceThreshold,
}: {
  store: Store
  clock: Clock
  softBounceThreshold: number
}) {
  const at = () => new Date(clock.now()).toISOString()

  async function suppress(message: MessageRecord, key: SuppressionKey, reason: SuppressionReason): Promise<TraceEntry> {
    await store.suppression.add(message.sandbox, [{ ...key, reason, source: `message:${message.id}`, createdAt: at() }])
    return { at: at(), step: 'suppression', decision: 'added', detail: { type: key.type, value: key.value, reason } }
  }

  return {
    async apply(message: MessageRecord, hint: SuppressHint | undefined): Promise<TraceEntry | null> {
      if (!hint) return null
      if (hint.kind === 'opted_out') {
        await store.smsOptOuts.add(hint.sender, hint.phone)
        return { at: at(), step: 'sms_opt_out', decision: 'added', detail: { sender: hint.sender } }
      }
      if (hint.kind === 'unsubscribed') {
        const key = suppressionKeyOf(message)
        if (!key) return null
        const channel = key.type === 'phone' ? 'sms' : key.type === 'push_token' ? 'push' : 'email'
        await store.consents.set(message.sandbox, channel, key.value, false)
        return { at: at(), step: 'consent', decision: 'marketing_off', detail: { channel } }
      }
      const key = suppressionKeyOf(message)
      if (!key) return null
      switch (hint.kind) {
        case 'success':
          await store.suppression.resetSoftBounce(message.sandbox, key)
          return null
        case 'hard_bounce':
        case 'complaint':
        case 'invalid_token':
          return suppress(message, key, hint.kind)
        case 'soft_bounce': {
          const count = await store.suppression.countSoftBounce(message.sandbox, key)
          if (count >= softBounceThreshold) return suppress(message, key, 'soft_bounce')
          return {
            at: at(),
            step: 'suppression',
            decision: 'soft_bounce_counted',
            detail: { count, threshold: softBounceThreshold },
          }
        }
      }
    },
  }
}

export type Feedback = ReturnType<typeof createFeedback>
