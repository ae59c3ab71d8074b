import { stateFor, takeSlot, type WindowState } from '../../capping/sliding-window.ts'
import type { Clock } from '../../domain/clock.ts'
import type { CapRequest, SlidingWindowStore } from '../types.ts'

const EWMA_ALPHA = 0.2

/** Sliding-window capping in process memory, with the Redis limiter's arithmetic. */
export function memoryLimiter({ clock }: { clock: Clock }): SlidingWindowStore & {
  takeNow(request: CapRequest, take: boolean): ReturnType<typeof decide>
} {
  const states = new Map<string, WindowState>()
  const means = new Map<string, { mean: number; slow: boolean }>()

  function isSlow(request: CapRequest): boolean {
    if (!request.slow) return false
    const m = means.get(`${request.sandbox}|${request.key}`)
    if (!m) return false
    // Hysteresis: slow above the threshold, normal again below 0.8x of it.
    if (!m.slow && m.mean > request.slow.thresholdMs) m.slow = true
    else if (m.slow && m.mean < 0.8 * request.slow.thresholdMs) m.slow = false
    return m.slow
  }

  function decide(request: CapRequest, take: boolean) {
    const slow = isSlow(request)
    const all = request.slow ? [...request.windows, ...request.slow.windows] : request.windows
    const id = `${request.sandbox}|${request.key}`
    const state = stateFor(states.get(id), all)
    states.set(id, state)
    const v = takeSlot(state, slow && request.slow ? request.slow.windows : request.windows, clock.now(), take)
    return {
      allowed: v.allowed,
      count: v.count,
      limit: v.limit,
      windowMs: v.windowMs,
      retryAfterMs: v.retryAfterMs,
      slow,
    }
  }

  return {
    takeNow: decide,
    async take(request) {
      return decide(request, true)
    },
    async peek(request) {
      return decide(request, false)
    },
    async observeLatency(sandbox, key, durationMs) {
      const id = `${sandbox}|${key}`
      const m = means.get(id)
      const mean = m ? m.mean + EWMA_ALPHA * (durationMs - m.mean) : durationMs
      means.set(id, { mean, slow: m?.slow ?? false })
      return mean
    },
  }
}
