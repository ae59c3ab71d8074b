import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load-config.ts'
import { manualClock, sleep } from '../../src/domain/clock.ts'
import { redisStore } from '../../src/store/redis/redis-store.ts'
import { storeConformance } from '../conformance/store.suite.ts'
import { realisticEmailInput } from './accept-input.ts'
import { freePort, type OwnRedis, redisHarness, startRedis } from './redis-harness.ts'

const run = promisify(execFile)
const env: Record<string, string> = {}
const nodes: OwnRedis[] = []
let dir = ''

const canListen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })

/** A free port whose cluster bus port (port + 10000) is free too. */
async function clusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort()
    if (port <= 55_000 && (await canListen(port + 10_000))) return port
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sg-cluster-'))
  for (let i = 0; i < 3; i++) {
    const port = await clusterPort()
    const nodeDir = join(dir, String(i))
    await run('mkdir', ['-p', nodeDir])
    nodes.push(
      await startRedis({
        port,
        dir: nodeDir,
        extra: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'],
      }),
    )
  }
  const seeds = nodes.map((n) => `127.0.0.1:${n.port}`)
  await run('redis-cli', ['--cluster', 'create', ...seeds, '--cluster-replicas', '0', '--cluster-yes'])
  for (const node of nodes) {
    const client = new Redis(node.url)
    try {
      for (let i = 0; !(await client.cluster('INFO')).includes('cluster_state:ok'); i++) {
        if (i > 200) throw new Error(`cluster not ok on ${node.port}`)
        await sleep(50)
      }
    } finally {
      client.disconnect()
    }
  }
  env.REDIS_CLUSTER_NODES = seeds.join(',')
}, 60_000)

afterAll(async () => {
  for (const node of nodes) await node.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

storeConformance('redis cluster', redisHarness(env))

describe('redis cluster specifics', () => {
  it('spreads sandboxes over slots and serves every sandbox queue', async () => {
    const clock = manualClock(Date.now())
    const store = await redisStore({
      config: loadConfig({ NODE_ENV: 'test', STORE: 'redis', ...env }),
      clock,
      prefix: 'spread',
    })
    try {
      const sandboxes = ['a', 'b', 'c', 'd', 'e', 'f']
      for (const [i, sandbox] of sandboxes.entries()) {
        const input = realisticEmailInput(clock, i)
        input.message.sandbox = sandbox
        if (input.cap) input.cap.sandbox = sandbox
        expect((await store.accept(input)).outcome).toBe('accepted')
      }
      expect(await store.queue.depth()).toEqual({ fast: 0, slow: 6 })
      const claimed = await store.queue.claim('slow', 100, 30_000)
      expect(claimed.map((c) => c.sandbox).sort()).toEqual(sandboxes)
    } finally {
      await store.close()
    }
  })
})
