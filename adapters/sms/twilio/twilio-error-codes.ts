/**
 * One table for what Twilio's error codes mean to us (SPEC sections 7 and 8), used both for the REST
 * API's answer to a send and for the `ErrorCode` of a status callback.
 */
import type { SendResult, SuppressHint } from '../../types.ts'

/** Attempt to send to a recipient who replied STOP to this sender. */
export const TWILIO_OPTED_OUT = 21610
/** Provider timeout: Twilio may or may not have passed the message on. */
export const TWILIO_AMBIGUOUS = 30410
/** Twilio's own "too many requests" code. */
export const TWILIO_TOO_MANY_REQUESTS = 20429

/** Invalid `To` number, not a mobile number, unknown destination handset / landline or unreachable carrier. */
const hardBounceCodes = new Set([21211, 21614, 30006])
/** Unreachable destination handset: counts towards `SOFT_BOUNCE_THRESHOLD`. */
const softBounceCodes = new Set([30003])

/** The suppression a Twilio error code asks for, if any. */
export function suppressHintForTwilioCode(
  code: number | undefined,
  recipient: { sender: string; phone: string },
): SuppressHint | undefined {
  if (code === undefined) return undefined
  if (code === TWILIO_OPTED_OUT) return { kind: 'opted_out', sender: recipient.sender, phone: recipient.phone }
  if (hardBounceCodes.has(code)) return { kind: 'hard_bounce' }
  if (softBounceCodes.has(code)) return { kind: 'soft_bounce' }
  return undefined
}

/** An error answer of Twilio's REST API, as the SDK's `RestException` / `TwilioServiceException` carry it. */
export interface TwilioApiError {
  /** HTTP status. */
  status: number
  /** Twilio error code (e.g. 21211), absent when the body was not Twilio's JSON. */
  code?: number
  message?: string
  moreInfo?: string
}

/** Reads a thrown SDK error as a Twilio API error; `null` when it is something else (network, bug). */
export function asTwilioApiError(error: unknown): TwilioApiError | null {
  if (typeof error !== 'object' || error === null) return null
  const e = error as Record<string, unknown>
  if (typeof e.status !== 'number') return null
  const code = typeof e.code === 'number' ? e.code : undefined
  const message = typeof e.message === 'string' ? e.message : typeof e.detail === 'string' ? e.detail : undefined
  const moreInfo = typeof e.moreInfo === 'string' ? e.moreInfo : undefined
  return { status: e.status, code, message, moreInfo }
}

/** The message error code for a Twilio answer: `PROVIDER_TWILIO_<code>` (or `..._HTTP_<status>` without one). */
export function twilioErrorCode(error: Pick<TwilioApiError, 'status' | 'code'>): string {
  return error.code === undefined ? `PROVIDER_TWILIO_HTTP_${error.status}` : `PROVIDER_TWILIO_${error.code}`
}

/**
 * Classifies Twilio's answer to a send (SPEC section 8): 21610 opts the phone out of this sender;
 * 21211/21614 are hard bounces; 429/20429 and 5xx are transient (`Retry-After` honoured); 30410 is
 * ambiguous and never re-sent; anything else fails the message with Twilio's message in `detail`.
 */
export function sendResultOfTwilioError(
  error: TwilioApiError,
  { sender, phone, retryAfterMs }: { sender: string; phone: string; retryAfterMs?: number },
): Extract<SendResult, { ok: false }> {
  const detail = `Twilio HTTP ${error.status}${error.code === undefined ? '' : ` error ${error.code}`}: ${error.message ?? 'no message'}${error.moreInfo ? ` (${error.moreInfo})` : ''}`
  const suppress = suppressHintForTwilioCode(error.code, { sender, phone })
  if (error.code === TWILIO_OPTED_OUT) return { ok: false, code: 'OPTED_OUT', retryable: false, suppress, detail }
  if (error.code === TWILIO_AMBIGUOUS)
    return { ok: false, code: 'AMBIGUOUS', retryable: false, ambiguous: true, detail }
  const code = twilioErrorCode(error)
  if (suppress) return { ok: false, code, retryable: false, suppress, detail }
  if (error.status === 429 || error.code === TWILIO_TOO_MANY_REQUESTS || error.status >= 500) {
    return { ok: false, code, retryable: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }), detail }
  }
  return { ok: false, code, retryable: false, detail }
}

/** Transport failures once the request was on its way: Twilio may have acted on it. */
const afterSendCodes = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE'])

/**
 * A transport failure (no HTTP answer). A timeout or a connection lost once the request was on its way
 * is ambiguous (SPEC section 5: provider channels never re-send, the message fails `AMBIGUOUS`); any
 * other one (refused, DNS, unreachable: nothing sent) is transient: `NETWORK`, retried.
 */
export function sendResultOfTransportError(error: unknown): Extract<SendResult, { ok: false }> {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown
    message?: unknown
    cause?: { code?: unknown }
  }
  const code = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : 'UNKNOWN'
  const message = typeof e.message === 'string' ? e.message : String(error)
  if (afterSendCodes.has(code))
    return {
      ok: false,
      code: 'AMBIGUOUS',
      retryable: false,
      ambiguous: true,
      detail: `Twilio request outcome unknown (${code}): ${message}`,
    }
  return { ok: false, code: 'NETWORK', retryable: true, detail: `Twilio unreachable (${code}): ${message}` }
}
