import { Redis } from 'ioredis'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load-config.ts'
import { manualClock } from '../../src/domain/clock.ts'
import { redisStore } from '../../src/store/redis/redis-store.ts'
import { storeConformance } from '../conformance/store.suite.ts'
import { deletePrefix, redisHarness, requireRedis, SHARED_REDIS_URL, testPrefix } from './redis-harness.ts'

beforeAll(async () => {
  await requireRedis(SHARED_REDIS_URL)
})

storeConformance('redis', redisHarness({ REDIS_URL: SHARED_REDIS_URL }))

describe('redis store specifics', () => {
  it('keeps the limiter state of a 300,000/60 s key with the 150,000/30 s slow cap within 2 KB', async () => {
    const prefix = testPrefix()
    const clock = manualClock(Date.now())
    const config = loadConfig({ NODE_ENV: 'test', STORE: 'redis', REDIS_URL: SHARED_REDIS_URL })
    const store = await redisStore({ config, clock, prefix })
    const admin = new Redis(SHARED_REDIS_URL)
    try {
      const cap = {
        sandbox: 'sb',
        key: 'host:api.example.com',
        windows: [{ limit: 300_000, windowMs: 60_000 }],
        slow: { windows: [{ limit: 150_000, windowMs: 30_000 }], thresholdMs: 750 },
      }
      // Fill every bucket of the ring so that no counter is zero.
      for (let i = 0; i < 210; i++) {
        await store.limiter.take(cap)
        clock.advance(300)
      }
      const keys = await admin.keys(`${prefix}:*lim:*`)
      expect(keys).toHaveLength(1)
      const bytes = Number(await admin.call('MEMORY', 'USAGE', keys[0] as string, 'SAMPLES', '0'))
      expect(bytes).toBeGreaterThan(800)
      expect(bytes).toBeLessThanOrEqual(2048)
    } finally {
      await deletePrefix(admin, prefix)
      admin.disconnect()
      await store.close()
    }
  })

  it('keeps finished records MESSAGE_RETENTION and live ones without expiry', async () => {
    const prefix = testPrefix()
    const clock = manualClock(Date.now())
    const config = loadConfig({
      NODE_ENV: 'test',
      STORE: 'redis',
      REDIS_URL: SHARED_REDIS_URL,
      MESSAGE_RETENTION: '2d',
    })
    const store = await redisStore({ config, clock, prefix })
    const admin = new Redis(SHARED_REDIS_URL)
    try {
      const at = new Date(clock.now()).toISOString()
      const m = {
        id: 'r1',
        sandbox: 'sb',
        channel: 'email' as const,
        to: 'a@example.com',
        category: 'transactional' as const,
        priority: 'normal' as const,
        status: 'queued' as const,
        createdAt: at,
        updatedAt: at,
        content: {},
        attempts: [],
        trace: [],
        seriesAttempts: 0,
        sandboxed: true,
      }
      await store.messages.insert(m)
      const [key] = await admin.keys(`${prefix}:*m:r1`)
      expect(await admin.pttl(key as string)).toBe(-1)
      await store.messages.update('sb', 'r1', { set: { status: 'failed' } })
      const ttl = await admin.pttl(key as string)
      expect(ttl).toBeGreaterThan(2 * 86_400_000 - 60_000)
      expect(ttl).toBeLessThanOrEqual(2 * 86_400_000)
      await store.messages.update('sb', 'r1', { set: { status: 'queued' } })
      expect(await admin.pttl(key as string)).toBe(-1)
    } finally {
      await deletePrefix(admin, prefix)
      admin.disconnect()
      await store.close()
    }
  })
})
