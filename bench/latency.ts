import { startGatewayProcess } from './lib/gateway-process.ts'
import { openLoop } from './lib/load.ts'
import { BENCH_REDIS_URL, flushBenchDb } from './lib/redis-db.ts'
import { log, median, report } from './lib/report.ts'
import { sendBody } from './send.ts'

/** `latency`: open-loop at 2,000 and 5,000 req/s on both routes; added p50 ≤ 0.3 ms, added p99 ≤ 2 ms. */
export async function benchLatency() {
  await flushBenchDb()
  const gw = await startGatewayProcess({
    env: { STORE: 'redis', REDIS_URL: BENCH_REDIS_URL, ROLE: 'api', TRANSACTIONAL_RATE: '0' },
  })
  const seconds = Number(process.env.BENCH_LATENCY_SECONDS ?? 3)
  const results: Record<string, unknown>[] = []
  let pass = true
  let worstP50 = 0
  try {
    for (const rate of [2000, 5000]) {
      const addedP50: number[] = []
      const addedP99: number[] = []
      for (let round = 0; round < 3; round++) {
        const echo = await openLoop({ origin: gw.url, path: '/__bench/echo', body: sendBody, rate, seconds })
        const send = await openLoop({ origin: gw.url, path: '/v1/messages', body: sendBody, rate, seconds })
        addedP50.push(send.p50 - echo.p50)
        addedP99.push(send.p99 - echo.p99)
        log(
          `  ${rate}/s round ${round + 1}: offered ${send.offeredRate.toFixed(0)}/s; echo p50 ${echo.p50.toFixed(2)} p99 ${echo.p99.toFixed(2)} ms; send p50 ${send.p50.toFixed(2)} p99 ${send.p99.toFixed(2)} ms`,
        )
      }
      const p50 = median(addedP50)
      const p99 = median(addedP99)
      worstP50 = Math.max(worstP50, p50)
      pass &&= p50 <= 0.3 && p99 <= 2
      results.push({ rate, addedP50: p50, addedP99: p99 })
      log(`latency ${rate}/s: added p50 ${p50.toFixed(3)} ms, added p99 ${p99.toFixed(3)} ms`)
    }
  } finally {
    await gw.stop()
    await flushBenchDb()
  }
  report({
    name: 'latency',
    figure: 'added_p50_ms',
    value: worstP50,
    target: 'p50<=0.3ms,p99<=2ms',
    pass,
    details: { results },
  })
}
