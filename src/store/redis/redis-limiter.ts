import type { CapRequest, LimitDecision, SlidingWindowStore } from '../types.ts'
import type { RedisContext } from './redis-context.ts'

/** A capping request as the Lua piece reads it: windows as [limit, windowMs] pairs. */
export function capArgument(request: CapRequest): { k: string; w: number[][]; s?: number[][]; t?: number } {
  return {
    k: request.key,
    w: request.windows.map((w) => [w.limit, w.windowMs]),
    ...(request.slow ? { s: request.slow.windows.map((w) => [w.limit, w.windowMs]), t: request.slow.thresholdMs } : {}),
  }
}

/** The flat verdict of `capReply` in sliding-window.lua. */
export function decisionFrom(reply: unknown[]): LimitDecision & { slow: boolean } {
  const [allowed, count, limit, windowMs, retryAfterMs, slow] = reply as number[]
  return {
    allowed: allowed === 1,
    count: count ?? 0,
    limit: limit ?? 0,
    windowMs: windowMs ?? 0,
    retryAfterMs: retryAfterMs ?? 0,
    slow: slow === 1,
  }
}

/**
 * Sliding-window capping shared by every process: one packed ring of counters per limit key (816 bytes
 * at 300,000/60 s with the 150,000/30 s slow cap), judged in Lua on Redis time (take-cap-2.lua).
 */
export function redisLimiter({ keys, run, offset }: RedisContext): SlidingWindowStore {
  const decide = async (request: CapRequest, take: boolean) =>
    decisionFrom(
      (await run(
        'take-cap',
        [keys.limiter(request.sandbox, request.key), keys.latency(request.sandbox, request.key)],
        [offset(), JSON.stringify(capArgument(request)), take ? '1' : '0'],
      )) as unknown[],
    )
  return {
    take: (request) => decide(request, true),
    peek: (request) => decide(request, false),
    async observeLatency(sandbox, key, durationMs) {
      return Number(await run('observe-latency', [keys.latency(sandbox, key)], [durationMs]))
    },
  }
}
