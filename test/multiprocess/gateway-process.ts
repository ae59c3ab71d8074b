import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { sleep } from '../../src/domain/clock.ts'
import { freePort } from '../store/redis-harness.ts'

/** The repository root: children run `src/server.ts` from there, as `npm start` does. */
const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

/** The admin key (sandbox `mp`) every child gateway knows. */
export const MP_KEY = 'mp-admin'
export const MP_SANDBOX = 'mp'

/** A gateway running `src/server.ts` in its own process (STORE=redis): killable like a real deployment. */
export interface GatewayProcess {
  url: string
  port: number
  pid: number
  child: ChildProcess
  /** Resolves once the process has exited (at once when it already has). */
  exited: Promise<void>
  /** The last few KB of its stdout and stderr, for failure messages. */
  output(): string
  /** Sends `signal` and waits for the exit (SIGKILL: a crash, nothing runs in the child). */
  kill(signal?: NodeJS.Signals): Promise<void>
  /** SIGTERM (graceful stop), SIGKILL after `graceMs`; safe to call twice. */
  stop(graceMs?: number): Promise<void>
}

const OUTPUT_KEEP = 8192

/**
 * Spawns `node --import tsx src/server.ts` on a free port with `STORE=redis` on `redisUrl`, and waits for
 * `/healthz`. `env` adds or overrides variables (e.g. REDIS_TIMEOUT_MS, DISPATCH_LEASE_MS).
 */
export async function startGatewayProcess({
  redisUrl,
  env = {},
  readyTimeoutMs = 30_000,
}: {
  redisUrl: string
  env?: Record<string, string>
  readyTimeoutMs?: number
}): Promise<GatewayProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      STORE: 'redis',
      REDIS_URL: redisUrl,
      API_KEYS: `${MP_KEY}:${MP_SANDBOX}:send+admin`,
      AUTH_SECRET: 'multiprocess-test-secret-0123456789abcdef',
      ACTIONS_ALLOW_PRIVATE: 'true',
      LOG_LEVEL: 'warn',
      TRANSACTIONAL_RATE: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEEP)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const gone = () => child.exitCode !== null || child.signalCode !== null
  const url = `http://127.0.0.1:${port}`

  async function kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (gone()) return
    child.kill(signal)
    await exited
  }

  const handle: GatewayProcess = {
    url,
    port,
    pid: child.pid ?? 0,
    child,
    exited,
    output: () => output,
    kill,
    async stop(graceMs = 12_000) {
      if (gone()) return
      child.kill('SIGTERM')
      await Promise.race([exited, sleep(graceMs)])
      await kill('SIGKILL')
    },
  }

  const until = Date.now() + readyTimeoutMs
  for (;;) {
    if (gone()) throw new Error(`gateway exited before it was healthy:\n${output}`)
    const healthy = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    )
    if (healthy) return handle
    if (Date.now() > until) {
      await kill()
      throw new Error(`gateway not healthy within ${readyTimeoutMs} ms:\n${output}`)
    }
    await sleep(100)
  }
}
