import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import { sleep } from '../../src/domain/clock.ts'
import { freePort } from '../store/redis-harness.ts'

const wranglerBin = 'node_modules/wrangler/bin/wrangler.js'
/** Offline and quiet: no metrics, no update check, no interactive session. */
const wranglerEnv = () => ({ ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true', CI: 'true' })

/** Runs `wrangler deploy --dry-run --outdir <outdir>`: the production bundle, built offline. */
export async function buildWorkerBundle(outdir: string): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [wranglerBin, 'deploy', '--dry-run', '--outdir', outdir], {
    env: wranglerEnv(),
    timeout: 180_000,
    maxBuffer: 16 * 1024 * 1024,
  })
}

export interface RunningProcess {
  url: string
  output: () => string
  stop(): Promise<void>
}

/** Spawns a process in a group of its own, so that stopping it also stops what it spawned (workerd). */
function spawnGroup(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk) => (output += chunk))
  child.stderr?.on('data', (chunk) => (output += chunk))
  return { child, output: () => output }
}

async function stopGroup(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    process.kill(-child.pid, signal)
  } catch {
    return
  }
  const hard = setTimeout(() => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
    } catch {}
  }, 10_000)
  await exited
  clearTimeout(hard)
}

async function waitUntil(what: string, ready: () => Promise<boolean>, child: ChildProcess, output: () => string) {
  const until = Date.now() + 120_000
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${what} exited early:\n${output().slice(-3000)}`)
    if (await ready().catch(() => false)) return
    await sleep(200)
  }
  throw new Error(`${what} did not start in time:\n${output().slice(-3000)}`)
}

/** `wrangler dev` of the front door on a free local port, offline, with `vars` as the Worker's env. */
export async function startWranglerDev(vars: Record<string, string>): Promise<RunningProcess> {
  const port = await freePort()
  const inspector = await freePort()
  const args = [wranglerBin, 'dev', '--local', '--ip', '127.0.0.1', '--port', String(port)]
  args.push('--inspector-port', String(inspector), '--show-interactive-dev-session=false')
  for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}:${value}`)
  const { child, output } = spawnGroup(args, wranglerEnv())
  const url = `http://127.0.0.1:${port}`
  await waitUntil(
    'wrangler dev',
    async () => output().includes('Ready on') && (await fetch(`${url}/healthz`)).status === 200,
    child,
    output,
  )
  return { url, output, stop: () => stopGroup(child, 'SIGTERM') }
}

/** `npm start` (node --import tsx src/server.ts) with exactly `env` (plus PATH), on a free port. */
export async function startNodeServer(env: Record<string, string>): Promise<RunningProcess> {
  const { child, output } = spawnGroup(['--import', 'tsx', 'src/server.ts'], {
    PATH: process.env.PATH ?? '',
    PORT: '0',
    ...env,
  })
  let url = ''
  await waitUntil(
    'node src/server.ts',
    async () => {
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(output())
      if (m?.[1]) url = m[1]
      return url !== ''
    },
    child,
    output,
  )
  return { url, output, stop: () => stopGroup(child, 'SIGTERM') }
}
