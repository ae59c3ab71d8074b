import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { loadConfig } from '../../src/config/load-config.ts'
import { manualClock } from '../../src/domain/clock.ts'
import { redisStore } from '../../src/store/redis/redis-store.ts'
import type { CapRequest, SlidingWindowStore, Store } from '../../src/store/types.ts'
import { deletePrefix, requireRedis, SHARED_REDIS_URL, testPrefix } from '../store/redis-harness.ts'
import { windowProperties } from './window-properties.ts'

/**
 * Under NODE_ENV=test a Redis script's time is Redis TIME plus the injected clock's offset, so it lags the
 * manual clock by the call's latency (a few ms). The harness reasons in exact milliseconds; here every one
 * of its milliseconds is SCALE milliseconds of Redis time, so that latency stays far inside one harness
 * millisecond and inside one limiter bucket (W·SCALE/100, a multiple of 100 ms). Retry-After comes back in
 * harness milliseconds, rounded up.
 */
const SCALE = 10_000

function scaledLimiter(inner: SlidingWindowStore): SlidingWindowStore {
  const scale = (r: CapRequest): CapRequest => ({
    ...r,
    windows: r.windows.map((w) => ({ ...w, windowMs: w.windowMs * SCALE })),
    ...(r.slow
      ? { slow: { ...r.slow, windows: r.slow.windows.map((w) => ({ ...w, windowMs: w.windowMs * SCALE })) } }
      : {}),
  })
  const unscale = <D extends { windowMs: number; retryAfterMs: number }>(d: D): D => ({
    ...d,
    windowMs: d.windowMs / SCALE,
    retryAfterMs: Math.ceil(d.retryAfterMs / SCALE),
  })
  return {
    take: async (r) => unscale(await inner.take(scale(r))),
    peek: async (r) => unscale(await inner.peek(scale(r))),
    observeLatency: (sandbox, key, ms) => inner.observeLatency(sandbox, key, ms),
  }
}

describe('Redis limiter: sliding-window properties against an exact log', () => {
  const harnessClock = manualClock(Date.now())
  const origin = harnessClock.now()
  const redisClock = { now: () => origin + (harnessClock.now() - origin) * SCALE }
  const prefix = testPrefix()
  let store: Store
  let props: ReturnType<typeof windowProperties>

  beforeAll(async () => {
    await requireRedis(SHARED_REDIS_URL)
    const config = loadConfig({
      NODE_ENV: 'test',
      STORE: 'redis',
      REDIS_URL: SHARED_REDIS_URL,
      REDIS_TIMEOUT_MS: '10000',
    })
    store = await redisStore({ config, clock: redisClock, prefix })
    props = windowProperties({ store: scaledLimiter(store.limiter), clock: harnessClock }, { numRuns: 50 })
  })
  afterAll(async () => {
    const admin = new Redis(SHARED_REDIS_URL)
    await deletePrefix(admin, prefix)
    admin.disconnect()
    await store?.close()
  })

  it('never admits more than L in any window', () => props.noOvershoot(), 120_000)
  it(
    'admits at least what an exact log with a 1 % longer window admits on smooth traffic',
    () => props.smoothTraffic(),
    120_000,
  )
  it('answers retryAfterMs exactly when the counter next admits', () => props.retryAfter(), 120_000)
  it('counts the normal and slow caps over one admission record', () => props.slowSwitch(), 120_000)
})
