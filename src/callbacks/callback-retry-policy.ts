/**
 * When a status callback is tried again (SPEC section 12): network errors, timeouts, 408, 429 and 5xx
 * are the receiver's passing trouble and are retried for 24 h with doubling delays; any other answer
 * (a 4xx, a refused address, a redirect loop) will not change by waiting, so the event is given up.
 */
import type { HttpCallResult } from '../../adapters/action/http/safe-http-client.ts'

export const CALLBACK_RETRY_WINDOW_MS = 24 * 3_600_000
export const CALLBACK_FIRST_RETRY_MS = 1000
export const CALLBACK_MAX_RETRY_MS = 600_000

const retriedStatuses = new Set([408, 429])

/** Whether a failed callback is worth another attempt. */
export function callbackRetryable(result: Extract<HttpCallResult, { ok: false }>): boolean {
  switch (result.failure) {
    case 'network':
    case 'timeout':
    case 'aborted':
      return true
    case 'status': {
      const status = result.status ?? 0
      return retriedStatuses.has(status) || status >= 500
    }
    default:
      return false
  }
}

/** Delay after failed attempt `attempt` (1-based): base·2^(attempt−1) capped, or a longer Retry-After. */
export function callbackRetryDelayMs({
  attempt,
  baseMs = CALLBACK_FIRST_RETRY_MS,
  maxMs = CALLBACK_MAX_RETRY_MS,
  retryAfterMs = 0,
}: {
  attempt: number
  baseMs?: number
  maxMs?: number
  retryAfterMs?: number
}): number {
  const backoff = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30))
  return Math.max(backoff, retryAfterMs)
}
