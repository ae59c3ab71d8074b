/**
 * Conservative bucketed sliding window (SPEC section 5): a call at t is admitted iff fewer than L calls
 * were admitted in (t − W, t]. The window is counted in buckets of W/100 (the smallest window decides),
 * and the oldest, partly covered bucket counts whole: the count never undercounts, so the limiter never
 * over-admits, and on smooth traffic it loses at most 1% of L. State is a ring of counters: 300,000/60 s
 * with a 150,000/30 s slow cap is 201 counters whatever the traffic.
 *
 * This file is the reference: the Redis script `take-cap-1.lua` implements the same arithmetic.
 */
import type { WindowLimit } from '../store/types.ts'

export const BUCKETS_PER_WINDOW = 100

export interface WindowState {
  bucketMs: number
  /** Index (time / bucketMs) of the newest bucket the ring holds. */
  head: number
  counts: number[]
}

export interface WindowVerdict {
  allowed: boolean
  /** Window that decided: the first one without room, else the one with the least headroom. */
  limit: number
  windowMs: number
  count: number
  retryAfterMs: number
}

export function bucketSizeFor(windows: readonly WindowLimit[]): number {
  const smallest = Math.min(...windows.map((w) => w.windowMs))
  return Math.max(1, Math.floor(smallest / BUCKETS_PER_WINDOW))
}

export function ringSizeFor(windows: readonly WindowLimit[], bucketMs: number): number {
  const largest = Math.max(...windows.map((w) => w.windowMs))
  return Math.ceil(largest / bucketMs) + 1
}

export function emptyState(windows: readonly WindowLimit[]): WindowState {
  const bucketMs = bucketSizeFor(windows)
  return { bucketMs, head: 0, counts: new Array(ringSizeFor(windows, bucketMs)).fill(0) }
}

/** Moves the ring forward to `nowMs`, zeroing the buckets that fell out. */
function advance(state: WindowState, nowMs: number): void {
  const bucket = Math.floor(nowMs / state.bucketMs)
  const size = state.counts.length
  if (bucket <= state.head) return
  const steps = Math.min(bucket - state.head, size)
  for (let i = 1; i <= steps; i++) state.counts[(state.head + i) % size] = 0
  state.head = bucket
}

function judge(state: WindowState, nowMs: number, window: WindowLimit): WindowVerdict {
  const { bucketMs, counts } = state
  const size = counts.length
  const newest = Math.floor(nowMs / bucketMs)
  const oldest = Math.max(Math.floor((nowMs - window.windowMs) / bucketMs), newest - size + 1)
  let count = 0
  for (let b = oldest; b <= newest; b++) count += counts[b % size] ?? 0
  if (count < window.limit)
    return { allowed: true, limit: window.limit, windowMs: window.windowMs, count, retryAfterMs: 0 }
  // Walk from the oldest bucket: the window admits again once enough old buckets have left it.
  let left = count
  let retryAt = nowMs
  for (let b = oldest; b <= newest; b++) {
    left -= counts[b % size] ?? 0
    if (left < window.limit) {
      retryAt = (b + 1) * bucketMs + window.windowMs
      break
    }
  }
  return {
    allowed: false,
    limit: window.limit,
    windowMs: window.windowMs,
    count,
    retryAfterMs: Math.max(1, retryAt - nowMs),
  }
}

/** Judges every window at `nowMs`; when all have room and `take` is set, counts the call. */
export function takeSlot(
  state: WindowState,
  windows: readonly WindowLimit[],
  nowMs: number,
  take = true,
): WindowVerdict {
  advance(state, nowMs)
  const verdicts = windows.map((w) => judge(state, nowMs, w))
  const refused = verdicts.filter((v) => !v.allowed)
  if (refused.length > 0) return refused.reduce((a, b) => (b.retryAfterMs > a.retryAfterMs ? b : a))
  const tightest = verdicts.reduce((a, b) => (b.limit - b.count < a.limit - a.count ? b : a))
  if (!take) return tightest
  const size = state.counts.length
  const slot = Math.floor(nowMs / state.bucketMs) % size
  state.counts[slot] = (state.counts[slot] ?? 0) + 1
  return { ...tightest, count: tightest.count + 1 }
}

/** Adapts a state kept for other windows (a config change) without losing its admissions. */
export function stateFor(state: WindowState | undefined, windows: readonly WindowLimit[]): WindowState {
  const bucketMs = bucketSizeFor(windows)
  const size = ringSizeFor(windows, bucketMs)
  if (state && state.bucketMs === bucketMs && state.counts.length === size) return state
  const fresh = { bucketMs, head: 0, counts: new Array(size).fill(0) }
  if (!state) return fresh
  // Re-bucket the old admissions at their bucket's end (conservative: they stay in the window longest).
  const oldSize = state.counts.length
  for (let b = state.head - oldSize + 1; b <= state.head; b++) {
    const n = state.counts[((b % oldSize) + oldSize) % oldSize] ?? 0
    if (n === 0) continue
    const at = (b + 1) * state.bucketMs - 1
    const nb = Math.floor(at / bucketMs)
    if (nb > fresh.head) {
      advance(fresh, at)
    }
    if (fresh.head - nb < size) fresh.counts[nb % size] = (fresh.counts[nb % size] ?? 0) + n
  }
  return fresh
}
