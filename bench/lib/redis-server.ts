import { type ChildProcess, spawn } from 'node:child_process'
import { Redis } from 'ioredis'
import { freePort } from './gateway-process.ts'

/** A private redis-server on a free port, so command counts are ours alone. */
export async function startRedisServer() {
  const port = await freePort()
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'],
    {
      stdio: 'ignore',
    },
  )
  const client = new Redis({ port, lazyConnect: true, retryStrategy: () => 100 })
  client.on('error', () => {})
  const until = Date.now() + 10_000
  while (Date.now() < until) {
    try {
      await client.connect()
      break
    } catch {
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    client,
    /** Calls per command since the last reset, from INFO commandstats. */
    async commandCalls(): Promise<Record<string, number>> {
      const info = await client.info('commandstats')
      const out: Record<string, number> = {}
      for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out[m[1] ?? ''] = Number(m[2])
      return out
    },
    async stop() {
      await client.quit().catch(() => {})
      child.kill('SIGKILL')
    },
  }
}
