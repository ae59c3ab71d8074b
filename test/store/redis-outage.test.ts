import { afterAll, beforeAll, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load-config.ts'
import { manualClock, sleep } from '../../src/domain/clock.ts'
import { StoreUnavailableError } from '../../src/domain/errors.ts'
import { redisStore } from '../../src/store/redis/redis-store.ts'
import type { Store } from '../../src/store/types.ts'
import { realisticEmailInput } from './accept-input.ts'
import { type OwnRedis, startRedis } from './redis-harness.ts'

const TIMEOUT_MS = 500
let redis: OwnRedis
let store: Store
const clock = manualClock(Date.now())
let n = 0

beforeAll(async () => {
  redis = await startRedis()
  const config = loadConfig({
    NODE_ENV: 'test',
    STORE: 'redis',
    REDIS_URL: redis.url,
    REDIS_TIMEOUT_MS: String(TIMEOUT_MS),
  })
  store = await redisStore({ config, clock })
})

afterAll(async () => {
  await store?.close()
  await redis?.stop()
})

async function timed<T>(work: Promise<T>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now()
  try {
    await work
    return { error: null, ms: performance.now() - started }
  } catch (error) {
    return { error, ms: performance.now() - started }
  }
}

async function waitUntilReady(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      await store.ping()
      return
    } catch {
      await sleep(50)
    }
  }
  throw new Error('store did not come back')
}

it('fails fast with StoreUnavailableError while Redis is down, and works again when it returns', async () => {
  expect((await store.accept(realisticEmailInput(clock, ++n))).outcome).toBe('accepted')
  await redis.stop()

  const accept = await timed(store.accept(realisticEmailInput(clock, ++n)))
  expect(accept.error).toBeInstanceOf(StoreUnavailableError)
  expect((accept.error as StoreUnavailableError).status).toBe(503)
  expect(accept.ms).toBeLessThan(3000)
  const ping = await timed(store.ping())
  expect(ping.error).toBeInstanceOf(StoreUnavailableError)
  expect(ping.ms).toBeLessThan(3000)
  const read = await timed(store.messages.get('sb', 'x'))
  expect(read.error).toBeInstanceOf(StoreUnavailableError)

  redis = await startRedis({ port: redis.port })
  await waitUntilReady()
  expect((await store.accept(realisticEmailInput(clock, ++n))).outcome).toBe('accepted')
  expect(await store.queue.depth()).toEqual({ fast: 0, slow: 1 })
})

it('times out a hung Redis within about REDIS_TIMEOUT_MS', async () => {
  redis.process.kill('SIGSTOP')
  try {
    const accept = await timed(store.accept(realisticEmailInput(clock, ++n)))
    expect(accept.error).toBeInstanceOf(StoreUnavailableError)
    expect(accept.ms).toBeLessThan(3000)
    const ping = await timed(store.ping())
    expect(ping.error).toBeInstanceOf(StoreUnavailableError)
  } finally {
    redis.process.kill('SIGCONT')
  }
  await waitUntilReady()
  expect((await store.accept(realisticEmailInput(clock, ++n))).outcome).toBe('accepted')
})
