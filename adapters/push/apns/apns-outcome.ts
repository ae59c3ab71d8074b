/**
 * APNs answers as outcomes (SPEC sections 4 and 8): a token Apple no longer knows, or that belongs to
 * another app, is suppressed and not retried; throttling, server errors and an expired provider JWT
 * (the SDK signs a new one) are retried by the dispatcher; any other refusal fails the message.
 */
import type { SendResult } from '../../types.ts'
import type { ApnsAnswer } from './apns-provider.ts'

const invalidTokenReasons = new Set(['Unregistered', 'BadDeviceToken', 'DeviceTokenNotForTopic'])

/** Maps one APNs answer to the outcome the dispatcher records. */
export function apnsOutcome(answer: ApnsAnswer): SendResult {
  if (answer.sent) return { ok: true, ...(answer.apnsId ? { providerMessageId: answer.apnsId } : {}) }
  if (answer.status === undefined) {
    return {
      ok: false,
      code: answer.mayHaveBeenSent ? 'TIMEOUT' : 'NETWORK',
      retryable: true,
      ...(answer.mayHaveBeenSent ? { ambiguous: true } : {}),
      detail: `APNs request failed: ${answer.error}`,
    }
  }
  const { status, reason } = answer
  const since =
    answer.timestamp === undefined ? '' : ` (token invalid since ${new Date(answer.timestamp).toISOString()})`
  const detail = `APNs ${status}${reason ? ` ${reason}` : ''}${since}`
  if (status === 410 || (status === 400 && reason !== undefined && invalidTokenReasons.has(reason)))
    return { ok: false, code: 'INVALID_TOKEN', retryable: false, suppress: { kind: 'invalid_token' }, detail }
  const retryable = status === 429 || status >= 500 || (status === 403 && reason === 'ExpiredProviderToken')
  return { ok: false, code: `PROVIDER_APNS_${reason ?? status}`, retryable, detail }
}
