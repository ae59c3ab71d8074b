/**
 * The parameters of one `messages.create` call for a stored SMS/MMS (SPEC section 8). The status
 * callback URL names the sandbox and message so that the callback route finds the record without an
 * index on Twilio's SID; Twilio signs that exact URL.
 */
import type { MessageRecord } from '../../../src/domain/message.ts'

/** Twilio accepts a validity period of 1 to 36,000 seconds (10 h). */
export const MAX_VALIDITY_SECONDS = 36_000
/** Twilio accepts at most 10 media URLs per message. */
export const MAX_MEDIA_URLS = 10

/** The subset of the SDK's `MessageListInstanceCreateOptions` the gateway sets. */
export interface TwilioCreateParams {
  to: string
  from?: string
  messagingServiceSid?: string
  body?: string
  mediaUrl?: string[]
  statusCallback: string
  validityPeriod?: number
}

/** `StatusCallback` for a message: `PUBLIC_URL/v1/webhooks/twilio/status?s=<sandbox>&m=<id>`. */
export function statusCallbackUrl(publicUrl: string, message: Pick<MessageRecord, 'sandbox' | 'id'>): string {
  const base = publicUrl.replace(/\/+$/, '')
  return `${base}/v1/webhooks/twilio/status?s=${encodeURIComponent(message.sandbox)}&m=${encodeURIComponent(message.id)}`
}

/** Seconds until `expiresAt`, clamped to Twilio's 1..36,000; `undefined` without an expiry. */
export function validityPeriodSeconds(expiresAt: string | undefined, nowMs: number): number | undefined {
  if (!expiresAt) return undefined
  const seconds = Math.floor((Date.parse(expiresAt) - nowMs) / 1000)
  if (Number.isNaN(seconds)) return undefined
  return Math.min(MAX_VALIDITY_SECONDS, Math.max(1, seconds))
}

/** Builds the create parameters; a messaging service takes precedence over a from number. */
export function twilioCreateParams(
  message: MessageRecord,
  {
    from,
    messagingServiceSid,
    publicUrl,
    nowMs,
  }: { from?: string; messagingServiceSid?: string; publicUrl: string; nowMs: number },
): TwilioCreateParams {
  if (typeof message.to !== 'string') throw new TypeError(`message ${message.id} has no phone number`)
  const media = message.channel === 'mms' ? (message.content.mediaUrls ?? []).slice(0, MAX_MEDIA_URLS) : []
  const validityPeriod = validityPeriodSeconds(message.expiresAt, nowMs)
  return {
    to: message.to,
    ...(messagingServiceSid ? { messagingServiceSid } : { from }),
    ...(message.content.body !== undefined && message.content.body !== '' ? { body: message.content.body } : {}),
    ...(media.length ? { mediaUrl: media } : {}),
    statusCallback: statusCallbackUrl(publicUrl, message),
    ...(validityPeriod === undefined ? {} : { validityPeriod }),
  }
}
