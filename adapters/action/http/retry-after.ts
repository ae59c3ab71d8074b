/**
 * `Retry-After` of an action's answer (SPEC section 5: a retry waits for it when it is longer than
 * the jitter). Both RFC 9110 forms are read: delay seconds and an HTTP date.
 */

/** Milliseconds to wait, or `undefined` when the header is absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim()
  if (!text) return undefined
  if (/^\d+$/.test(text)) return Number(text) * 1000
  if (!/^[A-Za-z]{3}/.test(text)) return undefined // every HTTP-date form starts with a day name
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - nowMs)
}
