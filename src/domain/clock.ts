/** The one time source of a process: injected everywhere so that time rules are testable without waiting. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
}

/** Wall clock plus an offset; the offset is settable only in tests (SPEC section 13). */
export function systemClock({ offsetMs = 0 }: { offsetMs?: number } = {}): Clock & { advance(ms: number): void } {
  let offset = offsetMs
  return {
    now: () => Date.now() + offset,
    advance(ms: number) {
      offset += ms
    },
  }
}

/** A clock that moves only when told to (unit tests). */
export function manualClock(
  start = Date.UTC(2026, 0, 1),
): Clock & { advance(ms: number): void; set(ms: number): void } {
  let t = start
  return {
    now: () => t,
    advance(ms: number) {
      t += ms
    },
    set(ms: number) {
      t = ms
    },
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)))
