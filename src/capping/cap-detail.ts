/** Trace detail of a capping decision: which limit key, count, limit and headroom (SPEC section 4). */
export function capDetail(
  key: string,
  d: { count: number; limit: number; windowMs: number; slow: boolean; retryAfterMs: number },
) {
  return {
    key,
    count: d.count,
    limit: d.limit,
    windowMs: d.windowMs,
    headroom: Math.max(0, d.limit - d.count),
    slow: d.slow,
    ...(d.retryAfterMs ? { retryAfterMs: d.retryAfterMs } : {}),
  }
}
