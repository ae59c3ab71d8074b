import { Pool } from 'undici'
import { startGatewayProcess } from './lib/gateway-process.ts'
import { headers } from './lib/load.ts'
import { startRedisServer } from './lib/redis-server.ts'
import { log, report } from './lib/report.ts'
import { sendBody } from './send.ts'

const IGNORED = new Set(['info', 'config', 'ping', 'client', 'hello', 'select', 'command'])

/** `roundtrips`: Redis commands per accepted message at intake, from INFO commandstats deltas (dispatch off). */
export async function benchRoundtrips() {
  const redis = await startRedisServer()
  const gw = await startGatewayProcess({
    env: { STORE: 'redis', REDIS_URL: redis.url, ROLE: 'api', TRANSACTIONAL_RATE: '0' },
  })
  const pool = new Pool(gw.url, { connections: 10 })
  const send = () =>
    pool.request({ method: 'POST', path: '/v1/messages', headers, body: sendBody() }).then((r) => r.body.dump())
  try {
    for (let i = 0; i < 20; i++) await send() // scripts loaded, connections warm
    // MONITOR tells commands a client sent from those a script ran ("lua"); commandstats counts both.
    const monitor = await redis.client.monitor()
    const sent: Record<string, number> = {}
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      const cmd = String(args[0] ?? '').toLowerCase()
      if (source === 'lua' || IGNORED.has(cmd)) return
      sent[cmd] = (sent[cmd] ?? 0) + 1
    })
    await redis.client.config('RESETSTAT')
    const n = 1000
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (let i = 0; i < n / 10; i++) await send()
      }),
    )
    await new Promise((r) => setTimeout(r, 200))
    monitor.disconnect()
    const calls = await redis.commandCalls()
    const total = Object.values(sent).reduce((s, c) => s + c, 0)
    log(
      `roundtrips: ${n} accepted messages → sent by clients ${JSON.stringify(sent)}; with script commands ${JSON.stringify(calls)}`,
    )
    const scripts = ((sent.evalsha ?? 0) + (sent.eval ?? 0)) / n
    const others = (total - (sent.evalsha ?? 0) - (sent.eval ?? 0)) / n
    log(
      `roundtrips: ${scripts.toFixed(3)} script calls per accepted message; other commands ${others.toFixed(4)} per message (periodic cached reads, e.g. the callback notifier's sandbox default, not per message)`,
    )
    report({
      name: 'roundtrips',
      figure: 'commands_per_message',
      value: total / n,
      target: '1 script call per message, nothing else per message',
      pass: scripts === 1 && others < 0.01,
      details: {
        sentByClients: sent,
        includingScriptCommands: calls,
        scriptsPerMessage: scripts,
        otherPerMessage: others,
      },
    })
  } finally {
    await pool.close()
    await gw.stop()
    await redis.stop()
  }
}
