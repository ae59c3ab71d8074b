import { spawn } from 'node:child_process'
import net from 'node:net'
import { describe, expect, it } from 'vitest'

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })

describe('process lifecycle', () => {
  it('starts with npm start settings, serves, and exits 0 on SIGTERM within 10 s', async () => {
    const port = await freePort()
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', STORE: 'memory' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    const until = Date.now() + 20_000
    let healthy = false
    while (Date.now() < until && !healthy) {
      healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
      if (!healthy) await new Promise((r) => setTimeout(r, 200))
    }
    expect(healthy).toBe(true)
    expect(out).toContain('dev-key')
    const sent = await fetch(`http://127.0.0.1:${port}/v1/messages`, {
      method: 'POST',
      headers: { authorization: 'Bearer dev-key', 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'sms', to: '+15551234567', content: { body: 'hi' } }),
    })
    expect(sent.status).toBe(202)
    const stoppedAt = Date.now()
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(Date.now() - stoppedAt).toBeLessThan(10_000)
  })

  it('refuses invalid configuration at start with every problem listed', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, PORT: 'abc', STORE: 'postgres', NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stderr.on('data', (d) => (out += d))
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)))
    expect(code).toBe(1)
    for (const name of ['PORT', 'STORE', 'AUTH_SECRET']) expect(out).toContain(name)
  })
})
