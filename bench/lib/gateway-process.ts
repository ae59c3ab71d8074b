import { type ChildProcess, spawn } from 'node:child_process'
import net from 'node:net'

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })

export const BENCH_KEY = 'bench-key'

export interface GatewayProcess {
  url: string
  pid: number
  child: ChildProcess
  stop(): Promise<void>
}

/** Starts `src/server.ts` in its own process, pinned to `cpu` with taskset, and waits for /healthz. */
export async function startGatewayProcess({
  env = {},
  cpu = 1,
}: {
  env?: Record<string, string>
  cpu?: number
} = {}): Promise<GatewayProcess> {
  const port = await freePort()
  const child = spawn('taskset', ['-c', String(cpu), process.execPath, '--import', 'tsx', 'src/server.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      API_KEYS: `${BENCH_KEY}:bench:send+admin`,
      AUTH_SECRET: 'bench-secret-0123456789abcdef',
      BENCH: '1',
      LOG_LEVEL: 'warn',
      ACTIONS_ALLOW_PRIVATE: 'true',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let err = ''
  child.stderr?.on('data', (d) => (err += d))
  const url = `http://127.0.0.1:${port}`
  const until = Date.now() + 30_000
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`gateway exited: ${err.slice(-500)}`)
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) break
    await new Promise((r) => setTimeout(r, 200))
  }
  return {
    url,
    pid: child.pid ?? 0,
    child,
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 12_000))])
      if (child.exitCode === null) child.kill('SIGKILL')
    },
  }
}

/** Pins this (load generator) process to `cpu`. */
export function pinSelf(cpu = 0): void {
  spawn('taskset', ['-pc', String(cpu), String(process.pid)], { stdio: 'ignore' })
}
