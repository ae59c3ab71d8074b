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
    await redis.client.config('RESETSTAT')
    const n = 1000
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (let i = 0; i < n / 10; i++) await send()
      }),
    )
    const calls = await redis.commandCalls()
    const counted = Object.entries(calls).filter(([cmd]) => !IGNORED.has(cmd))
    const total = counted.reduce((s, [, c]) => s + c, 0)
    log(`roundtrips: ${n} accepted messages → ${JSON.stringify(Object.fromEntries(counted))}`)
    const perMessage = total / n
    report({
      name: 'roundtrips',
      figure: 'commands_per_message',
      value: perMessage,
      target: '=1',
      pass: perMessage === 1,
      details: { calls },
    })
  } finally {
    await pool.close()
    await gw.stop()
    await redis.stop()
  }
}
