import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { loadConfig } from '../../src/config/load-config.ts'
import { manualClock, sleep } from '../../src/domain/clock.ts'
import { redisStore } from '../../src/store/redis/redis-store.ts'
import type { StoreHarness } from '../conformance/store.suite.ts'

/** The shared Redis of this machine (SPEC section 1); tests fail, never skip, when it is missing. */
export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379'

/** Fails loudly when Redis is not reachable: Redis tests never skip. */
export async function requireRedis(url: string): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  })
  probe.on('error', () => {})
  try {
    await probe.connect()
    await probe.ping()
  } catch (e) {
    throw new Error(
      `Redis is not reachable at ${url}${process.env.CI ? ' (CI)' : ''}: Redis tests fail rather than skip`,
      { cause: e },
    )
  } finally {
    probe.disconnect()
  }
}

/** Deletes every key of a test prefix (each run has its own, so runs never collide). */
export async function deletePrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
    cursor = next
    if (keys.length > 0) await client.del(...keys)
  } while (cursor !== '0')
}

export const testPrefix = () => `sgt-${process.pid}-${randomBytes(4).toString('hex')}`

/** A Redis-backed conformance harness on its own key prefix, the clock offset applied as under NODE_ENV=test. */
export function redisHarness(env: Record<string, string>): () => Promise<StoreHarness> {
  return async () => {
    const clock = manualClock(Date.now())
    const config = loadConfig({ NODE_ENV: 'test', STORE: 'redis', ...env })
    const prefix = testPrefix()
    const store = await redisStore({ config, clock, prefix })
    await store.ping()
    return {
      store,
      clock,
      toleranceMs: 1000,
      async cleanup() {
        if (!env.REDIS_CLUSTER_NODES) {
          const admin = new Redis(env.REDIS_URL ?? SHARED_REDIS_URL)
          await deletePrefix(admin, prefix)
          admin.disconnect()
        }
        await store.close()
      },
    }
  }
}

/** A free TCP port on 127.0.0.1 (listen on 0, close, reuse the number). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

export interface OwnRedis {
  port: number
  url: string
  dir: string
  process: ChildProcess
  stop(): Promise<void>
}

/** Starts a private redis-server (no persistence) and waits until it answers. */
export async function startRedis({
  port,
  extra = [],
  dir,
}: {
  port?: number
  extra?: string[]
  dir?: string
} = {}): Promise<OwnRedis> {
  const p = port ?? (await freePort())
  const workDir = dir ?? mkdtempSync(join(tmpdir(), 'sg-redis-'))
  const child = spawn(
    'redis-server',
    ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', workDir, ...extra],
    {
      stdio: 'ignore',
    },
  )
  const url = `redis://127.0.0.1:${p}`
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  for (let i = 0; ; i++) {
    try {
      await requireRedis(url)
      break
    } catch (e) {
      if (i > 100 || child.exitCode !== null) throw e
      await sleep(50)
    }
  }
  return {
    port: p,
    url,
    dir: workDir,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL')
        await exited
      }
      if (!dir) rmSync(workDir, { recursive: true, force: true })
    },
  }
}
