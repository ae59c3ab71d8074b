/**
 * When to try again (SPEC section 5). Custom actions follow AJO: every failure but 401/403/404, at most
 * 3 retries after the first attempt, full jitter on RETRY_BASE_MS·2^k, all within the timeout budget.
 * Provider channels retry transient answers from 30 s, ×4 per attempt, at most 1 h apart, for 84 h.
 */
export const ACTION_MAX_ATTEMPTS = 4
export const PROVIDER_FIRST_RETRY_MS = 30_000
export const PROVIDER_MAX_RETRY_MS = 3_600_000
export const PROVIDER_RETRY_WINDOW_MS = 84 * 3_600_000
export const SANDBOX_RETRY_MS = 1000

/** Delay before action retry k (k = 0, 1, 2): random in [0, base·2^k], or Retry-After when longer. */
export function actionRetryDelayMs({
  retryIndex,
  baseMs,
  retryAfterMs = 0,
  random = Math.random,
}: {
  retryIndex: number
  baseMs: number
  retryAfterMs?: number
  random?: () => number
}): number {
  const jitter = Math.floor(random() * baseMs * 2 ** retryIndex)
  return Math.max(jitter, retryAfterMs)
}

/** Delay before provider retry after `attempt` attempts; sandbox adapters retry in seconds. */
export function providerRetryDelayMs({
  attempt,
  sandboxed,
  retryAfterMs = 0,
}: {
  attempt: number
  sandboxed: boolean
  retryAfterMs?: number
}): number {
  const backoff = sandboxed
    ? SANDBOX_RETRY_MS * attempt
    : Math.min(PROVIDER_FIRST_RETRY_MS * 4 ** (attempt - 1), PROVIDER_MAX_RETRY_MS)
  return Math.max(backoff, retryAfterMs)
}

/** Whether a provider retry at `retryAt` is still inside the message's delivery window. */
export function providerRetryAllowed({
  retryAt,
  createdAtMs,
  expiresAtMs,
}: {
  retryAt: number
  createdAtMs: number
  expiresAtMs?: number
}): boolean {
  return retryAt < (expiresAtMs ?? createdAtMs + PROVIDER_RETRY_WINDOW_MS)
}
