/**
 * `Retry-After` of an FCM answer: FCM sends it with 429 and 503, and SPEC section 5 says providers'
 * own throttling answers are honoured. Both RFC 9110 forms are read: delay seconds and an HTTP date.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim()
  if (!text) return undefined
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - nowMs)
}
