/**
 * FCM HTTP v1 answers as outcomes (SPEC sections 4 and 8). Google's error body is
 * `{error: {code, message, status, details: [{"@type": "...FcmError", errorCode}]}}`; the FcmError
 * code says what happened to the token, the HTTP status says whether trying again can help.
 */
import type { SendResult } from '../../types.ts'
import { parseJsonObject } from './fcm-http.ts'
import { parseRetryAfter } from './retry-after.ts'

export interface FcmAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

/** The parts of an FCM error body the outcome depends on. */
export function fcmError(text: string): { errorCode?: string; status?: string; message?: string } {
  const error = parseJsonObject(text)?.error
  if (typeof error !== 'object' || error === null) return {}
  const { status, message, details } = error as Record<string, unknown>
  const fcm = Array.isArray(details)
    ? details.find((d) => typeof d?.errorCode === 'string' && String(d?.['@type'] ?? '').includes('FcmError'))
    : undefined
  return {
    ...(fcm ? { errorCode: String(fcm.errorCode) } : {}),
    ...(typeof status === 'string' ? { status } : {}),
    ...(typeof message === 'string' ? { message } : {}),
  }
}

/** A 401 about our access token (not THIRD_PARTY_AUTH_ERROR, which is the APNs credential in Firebase). */
export function isExpiredAccessToken(answer: FcmAnswer): boolean {
  return answer.status === 401 && fcmError(answer.text).errorCode !== 'THIRD_PARTY_AUTH_ERROR'
}

/** Maps one `messages:send` answer to the outcome the dispatcher records. */
export function fcmOutcome(answer: FcmAnswer, nowMs: number): SendResult {
  if (answer.status === 200) {
    const name = parseJsonObject(answer.text)?.name
    return { ok: true, ...(typeof name === 'string' ? { providerMessageId: name } : {}) }
  }
  const { errorCode, status, message } = fcmError(answer.text)
  const reason = errorCode ?? status ?? `HTTP_${answer.status}`
  const detail = `FCM ${answer.status} ${reason}${message ? `: ${message}` : ''}`
  if (reason === 'UNREGISTERED') return invalidToken(detail)
  if (answer.status === 400 && reason === 'INVALID_ARGUMENT' && namesRegistrationToken(message))
    return invalidToken(detail)
  const retryable = answer.status === 429 || answer.status >= 500
  const retryAfterMs = retryable ? parseRetryAfter(answer.headers['retry-after'], nowMs) : undefined
  return {
    ok: false,
    code: `PROVIDER_FCM_${reason}`,
    retryable,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    detail,
  }
}

/** FCM answers 400 INVALID_ARGUMENT both for a malformed token and for a bad field: only the first is the token's fault. */
function namesRegistrationToken(message: string | undefined): boolean {
  return message !== undefined && /registration token/i.test(message)
}

function invalidToken(detail: string): SendResult {
  return { ok: false, code: 'INVALID_TOKEN', retryable: false, suppress: { kind: 'invalid_token' }, detail }
}
