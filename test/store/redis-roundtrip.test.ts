import { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load-config.ts'
import { manualClock, sleep } from '../../src/domain/clock.ts'
import { redisStore } from '../../src/store/redis/redis-store.ts'
import type { Store } from '../../src/store/types.ts'
import { realisticEmailInput } from './accept-input.ts'
import { type OwnRedis, startRedis } from './redis-harness.ts'

let redis: OwnRedis
let store: Store
let admin: Redis
const clock = manualClock(Date.now())

beforeAll(async () => {
  redis = await startRedis()
  store = await redisStore({ config: loadConfig({ NODE_ENV: 'test', STORE: 'redis', REDIS_URL: redis.url }), clock })
  admin = new Redis(redis.url)
})

afterAll(async () => {
  await store?.close()
  admin?.disconnect()
  await redis?.stop()
})

async function commandCalls(): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const line of (await admin.info('commandstats')).split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim())
    if (m?.[1] && m[2]) out[m[1]] = Number(m[2])
  }
  return out
}

it('accepts a message at intake in exactly one command call (EVALSHA)', async () => {
  // Warm up: the first call loads the script (EVALSHA, NOSCRIPT, EVAL).
  expect((await store.accept(realisticEmailInput(clock, 0))).outcome).toBe('accepted')

  const monitor = await admin.duplicate().monitor()
  const sent: string[] = []
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source !== 'lua') sent.push(String(args[0]).toLowerCase())
  })
  await sleep(100)
  const before = await commandCalls()
  sent.length = 0

  const result = await store.accept(realisticEmailInput(clock, 1))
  expect(result.outcome).toBe('accepted')
  if (result.outcome === 'accepted') expect(result.cap).toMatchObject({ allowed: true, count: 2 })

  const after = await commandCalls()
  await sleep(100)
  monitor.disconnect()
  expect((after.evalsha ?? 0) - (before.evalsha ?? 0)).toBe(1)
  expect((after.eval ?? 0) - (before.eval ?? 0)).toBe(0)
  // The client sent nothing but the EVALSHA (and the INFO calls of this test).
  expect(sent.filter((c) => c !== 'info')).toEqual(['evalsha'])
})
