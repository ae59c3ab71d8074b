/**
 * Property checks of a sliding-window limiter against an exact log of admitted times (SPEC section 5,
 * "Capping"): never more than L admissions in any (t − W, t], ≥ 99 % of an exact limiter's admissions on
 * smooth traffic, `retryAfterMs` exactly when the counter next admits, and one admission record for the
 * normal and slow caps of a key. Shared by every SlidingWindowStore (memory, Redis): pass the store and the
 * clock it reads. The clock must move only when `advance` is called (a Redis store must read its time from
 * that clock for the checks to hold, e.g. through the test time offset).
 */
import fc from 'fast-check'
import type { CapRequest, SlidingWindowStore, WindowLimit } from '../../src/store/types.ts'

export interface WindowHarnessTarget {
  store: SlidingWindowStore
  clock: { now(): number; advance(ms: number): void }
  sandbox?: string
}

export interface WindowHarnessOptions {
  numRuns?: number
  seed?: number
}

/** Sorted admitted times; counts admissions in (t − W, t]. */
function exactLog() {
  const times: number[] = []
  const countIn = (t: number, windowMs: number) => {
    // first index with time > t - windowMs
    let lo = 0
    let hi = times.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((times[mid] ?? 0) > t - windowMs) hi = mid
      else lo = mid + 1
    }
    return times.length - lo
  }
  return {
    times,
    admits: (t: number, windows: readonly WindowLimit[]) => windows.every((w) => countIn(t, w.windowMs) < w.limit),
    add: (t: number) => times.push(t),
  }
}

/** The largest number of `times` (sorted) inside any (t − W, t], sliding over every admitted time. */
export function maxInAnyWindow(times: readonly number[], windowMs: number): number {
  let max = 0
  let start = 0
  for (let end = 0; end < times.length; end++) {
    const t = times[end] ?? 0
    while ((times[start] ?? 0) <= t - windowMs) start++
    max = Math.max(max, end - start + 1)
  }
  return max
}

const windowArb = fc.record({ limit: fc.integer({ min: 1, max: 60 }), windowMs: fc.integer({ min: 20, max: 5000 }) })

/** Arrival offsets (ms from the start), sorted: random gaps, on/off bursts, or bursts around boundaries. */
function arrivalsArb(maxWindowMs: number) {
  const random = fc
    .array(fc.integer({ min: 0, max: Math.max(1, Math.floor(maxWindowMs / 10)) }), { minLength: 1, maxLength: 400 })
    .map((gaps) => {
      let t = 0
      return gaps.map((g) => {
        t += g
        return t
      })
    })
  const onOff = fc
    .array(
      fc.record({
        count: fc.integer({ min: 1, max: 80 }),
        gap: fc.integer({ min: 0, max: 3 }),
        pause: fc.integer({ min: 0, max: maxWindowMs * 2 }),
      }),
      { minLength: 1, maxLength: 8 },
    )
    .map((bursts) => {
      const out: number[] = []
      let t = 0
      for (const b of bursts) {
        for (let i = 0; i < b.count; i++) {
          t += b.gap
          out.push(t)
        }
        t += b.pause
      }
      return out
    })
  // Bursts just before, at and after multiples of the window and of a bucket (W/100).
  const boundary = fc
    .array(
      fc.record({
        k: fc.integer({ min: 1, max: 6 }),
        unit: fc.constantFrom(maxWindowMs, Math.max(1, Math.floor(maxWindowMs / 100))),
        delta: fc.integer({ min: -2, max: 2 }),
        count: fc.integer({ min: 1, max: 70 }),
      }),
      { minLength: 1, maxLength: 10 },
    )
    .map((bursts) =>
      bursts
        .flatMap((b) => Array.from({ length: b.count }, () => Math.max(0, b.k * b.unit + b.delta)))
        .sort((a, b) => a - b),
    )
  return fc.oneof(random, onOff, boundary)
}

export function windowProperties(target: WindowHarnessTarget, { numRuns = 100, seed }: WindowHarnessOptions = {}) {
  const { store, clock } = target
  const sandbox = target.sandbox ?? 'props'
  let run = 0
  const freshKey = (name: string) => `${name}:${Date.now().toString(36)}:${run++}`
  const params = { numRuns, ...(seed !== undefined ? { seed } : {}) }

  /** Moves the clock to `start + offset` (never backwards). */
  const moveTo = (at: number) => {
    const now = clock.now()
    if (at > now) clock.advance(at - now)
  }

  /** Where a run starts: after everything so far, at a bucket boundary plus `phase` ms. */
  const startAt = (align: number, phase: number) => {
    const now = clock.now() + 10_000
    return Math.ceil(now / align) * align + phase
  }

  return {
    /** 0 overshoot in every window of every request, whatever the arrivals. */
    async noOvershoot(): Promise<void> {
      await fc.assert(
        fc.asyncProperty(
          fc.array(windowArb, { minLength: 1, maxLength: 2 }).chain((windows) =>
            fc.record({
              windows: fc.constant(windows),
              arrivals: arrivalsArb(Math.max(...windows.map((w) => w.windowMs))),
              phase: fc.integer({ min: 0, max: 99 }),
            }),
          ),
          async ({ windows, arrivals, phase }) => {
            const request: CapRequest = { sandbox, key: freshKey('overshoot'), windows }
            const start = startAt(5000, phase)
            const admitted: number[] = []
            for (const offset of arrivals) {
              moveTo(start + offset)
              const d = await store.take(request)
              if (d.allowed) admitted.push(clock.now())
              else if (!(d.retryAfterMs > 0)) throw new Error(`refused with retryAfterMs ${d.retryAfterMs}`)
            }
            for (const w of windows) {
              const max = maxInAnyWindow(admitted, w.windowMs)
              if (max > w.limit) throw new Error(`${max} admitted within ${w.windowMs} ms, limit ${w.limit}`)
            }
          },
        ),
        params,
      )
    },

    /**
     * On smooth traffic the limiter admits ≥ 99 % of what an exact log admits. Stated exactly: it admits
     * at least as many calls as an exact sliding log whose window is 1 % longer (a conservative count may
     * hold an admission for at most W/100 more), which on steady load is ≥ 99 % of the exact log with W.
     * (Comparing with the exact log over W itself needs slack at the horizon's edge: admissions come in
     * per-window bursts, so ending just after a burst of one and just before a burst of the other differs
     * by up to L calls whatever the limiter.)
     */
    async smoothTraffic(): Promise<void> {
      await fc.assert(
        fc.asyncProperty(
          windowArb.filter((w) => w.windowMs >= 100),
          fc.double({ min: 0.5, max: 3, noNaN: true }),
          fc.integer({ min: 0, max: 99 }),
          async (window, load, phase) => {
            const request: CapRequest = { sandbox, key: freshKey('smooth'), windows: [window] }
            const windows = 20
            // Arrivals at `load` times the limit's rate, evenly spread, at whole milliseconds.
            const count = Math.ceil(window.limit * windows * load)
            const span = window.windowMs * windows
            const exact = exactLog()
            const relaxed = exactLog()
            const relaxedWindow = [{ limit: window.limit, windowMs: Math.ceil(window.windowMs * 1.01) }]
            const start = startAt(5000, phase)
            let ours = 0
            for (let i = 0; i < count; i++) {
              moveTo(start + Math.floor((i * span) / count))
              const t = clock.now()
              if (exact.admits(t, [window])) exact.add(t)
              if (relaxed.admits(t, relaxedWindow)) relaxed.add(t)
              if ((await store.take(request)).allowed) ours++
            }
            if (ours < relaxed.times.length)
              throw new Error(
                `admitted ${ours}, fewer than an exact log with a 1 % longer window (${relaxed.times.length})`,
              )
            if (ours > exact.times.length + window.limit)
              throw new Error(`admitted ${ours}, far more than the exact log's ${exact.times.length}`)
          },
        ),
        { ...params, numRuns: Math.max(10, Math.floor(numRuns / 4)) },
      )
    },

    /** A refusal's retryAfterMs is exactly when the counter next admits (peek takes nothing). */
    async retryAfter(): Promise<void> {
      await fc.assert(
        fc.asyncProperty(
          windowArb,
          arrivalsArb(5000),
          fc.integer({ min: 0, max: 99 }),
          async (window, arrivals, phase) => {
            const request: CapRequest = { sandbox, key: freshKey('retry'), windows: [window] }
            const start = startAt(5000, phase)
            for (const offset of arrivals) {
              moveTo(start + offset)
              const d = await store.take(request)
              if (d.allowed) continue
              const now = clock.now()
              if (d.retryAfterMs > 1) {
                moveTo(now + d.retryAfterMs - 1)
                const before = await store.peek(request)
                if (before.allowed)
                  throw new Error(`admits ${d.retryAfterMs - 1} ms after a refusal saying ${d.retryAfterMs}`)
              }
              moveTo(now + d.retryAfterMs)
              const at = await store.peek(request)
              if (!at.allowed) throw new Error(`still refused ${d.retryAfterMs} ms after a refusal saying so`)
              const taken = await store.take(request)
              if (!taken.allowed) throw new Error('peek admitted but take refused')
              return
            }
          },
        ),
        params,
      )
    },

    /** Normal and slow caps count one admission record: switching never grants a fresh window. */
    async slowSwitch(): Promise<void> {
      await fc.assert(
        fc.asyncProperty(
          windowArb,
          windowArb,
          arrivalsArb(2000),
          fc.array(fc.integer({ min: 0, max: 399 }), { minLength: 1, maxLength: 4 }),
          async (normal, slow, arrivals, switchesAt) => {
            const request: CapRequest = {
              sandbox,
              key: freshKey('slow'),
              windows: [normal],
              slow: { windows: [slow], thresholdMs: 100 },
            }
            const start = startAt(5000, 0)
            const admitted: Array<{ t: number; slow: boolean }> = []
            let wantSlow = false
            for (const [i, offset] of arrivals.entries()) {
              if (switchesAt.includes(i)) {
                wantSlow = !wantSlow
                for (let k = 0; k < 60; k++) await store.observeLatency(sandbox, request.key, wantSlow ? 1_000_000 : 0)
              }
              moveTo(start + offset)
              const d = await store.take(request)
              if (d.slow !== wantSlow) throw new Error(`slow is ${d.slow}, expected ${wantSlow}`)
              if (d.allowed) admitted.push({ t: clock.now(), slow: d.slow })
            }
            const times = admitted.map((a) => a.t)
            for (const [i, a] of admitted.entries()) {
              const w = a.slow ? slow : normal
              const inWindow = times.slice(0, i + 1).filter((t) => t > a.t - w.windowMs).length
              if (inWindow > w.limit)
                throw new Error(
                  `${inWindow} admitted within ${w.windowMs} ms under the ${a.slow ? 'slow' : 'normal'} cap of ${w.limit}`,
                )
            }
          },
        ),
        { ...params, numRuns: Math.max(10, Math.floor(numRuns / 2)) },
      )
    },
  }
}
