import { startGatewayProcess } from './lib/gateway-process.ts'
import { closedLoop } from './lib/load.ts'
import { BENCH_REDIS_URL, flushBenchDb } from './lib/redis-db.ts'
import { log, median, report } from './lib/report.ts'
import { sendBody } from './send.ts'

async function deliveredCount(url: string): Promise<number> {
  const text = await fetch(`${url}/metrics`).then((r) => r.text())
  const m = /sendgate_messages_total\{channel="email",status="delivered"\} (\d+)/.exec(text)
  return Number(m?.[1] ?? 0)
}

/** `e2e`: accepted-to-delivered throughput through the Redis queue (sandbox email) vs the echo route. */
export async function benchE2e() {
  const ratios: number[] = []
  const rows: Record<string, number>[] = []
  for (let round = 0; round < 5; round++) {
    await flushBenchDb()
    const gw = await startGatewayProcess({
      env: { STORE: 'redis', REDIS_URL: BENCH_REDIS_URL, TRANSACTIONAL_RATE: '0' },
    })
    try {
      const echo = await closedLoop({ url: `${gw.url}/__bench/echo`, body: sendBody(), seconds: 3 })
      const started = performance.now()
      const load = await closedLoop({ url: `${gw.url}/v1/messages`, body: sendBody, seconds: 3 })
      const accepted = Math.round(load.value * 3)
      let delivered = 0
      const until = Date.now() + 120_000
      while (Date.now() < until) {
        delivered = await deliveredCount(gw.url)
        if (delivered >= accepted) break
        await new Promise((r) => setTimeout(r, 100))
      }
      const seconds = (performance.now() - started) / 1000
      const rate = delivered / seconds
      rows.push({ echoRps: echo.value, accepted, delivered, seconds, deliveredPerSecond: rate })
      ratios.push(rate / echo.value)
      log(
        `  round ${round + 1}: echo ${echo.value.toFixed(0)} req/s; ${delivered}/${accepted} delivered in ${seconds.toFixed(1)} s = ${rate.toFixed(0)}/s`,
      )
    } finally {
      await gw.stop()
    }
  }
  await flushBenchDb()
  const ratio = median(ratios)
  report({
    name: 'e2e',
    figure: 'ratio',
    value: ratio,
    target: '>=0.15',
    pass: ratio >= 0.15,
    details: { rounds: rows, ratios, transactionalRate: 0 },
  })
}
