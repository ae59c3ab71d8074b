import fs from 'node:fs'
import { startGatewayProcess } from './lib/gateway-process.ts'
import { closedLoop, openLoop } from './lib/load.ts'
import { BENCH_REDIS_URL, flushBenchDb } from './lib/redis-db.ts'
import { log, percentile, report } from './lib/report.ts'
import { sendBody } from './send.ts'

const rssOf = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024

/**
 * `overload`: open-loop at 2× the send saturation rate: goodput ≥ 90% of peak, the excess answered
 * 429/503 within 50 ms, RSS within ±10% from start to end.
 */
export async function benchOverload() {
  await flushBenchDb()
  const gw = await startGatewayProcess({
    env: { STORE: 'redis', REDIS_URL: BENCH_REDIS_URL, ROLE: 'api', TRANSACTIONAL_RATE: '0', MAX_INFLIGHT: '64' },
  })
  const seconds = Number(process.env.BENCH_OVERLOAD_SECONDS ?? 60)
  try {
    await closedLoop({ url: `${gw.url}/v1/messages`, body: sendBody, seconds: 2 })
    const peak = (await closedLoop({ url: `${gw.url}/v1/messages`, body: sendBody, seconds: 4, connections: 50 })).value
    const rssStart = rssOf(gw.pid)
    const rate = Math.round(peak * 2)
    log(
      `overload: peak ${peak.toFixed(0)} req/s; offering ${rate} req/s open-loop for ${seconds} s (MAX_INFLIGHT=64, 512 connections)`,
    )
    const r = await openLoop({ origin: gw.url, path: '/v1/messages', body: sendBody, rate, seconds, connections: 512 })
    const rssEnd = rssOf(gw.pid)
    const goodput = (r.statuses[202] ?? 0) / r.seconds
    const shed = [...(r.byStatus.get(503) ?? []), ...(r.byStatus.get(429) ?? [])]
    const shedP99 = percentile(shed, 99)
    const goodputRatio = goodput / peak
    const rssDrift = (rssEnd - rssStart) / rssStart
    log(
      `overload: offered ${r.offeredRate.toFixed(0)}/s, goodput ${goodput.toFixed(0)}/s (${(goodputRatio * 100).toFixed(1)}% of peak), shed ${shed.length} with p99 ${shedP99.toFixed(1)} ms, RSS ${rssStart.toFixed(0)} → ${rssEnd.toFixed(0)} MiB, statuses ${JSON.stringify(r.statuses)}`,
    )
    const pass = goodputRatio >= 0.9 && (shed.length === 0 || shedP99 <= 50) && Math.abs(rssDrift) <= 0.1
    report({
      name: 'overload',
      figure: 'goodput_ratio',
      value: goodputRatio,
      target: 'goodput>=0.90,shed_p99<=50ms,rss±10%',
      pass,
      details: {
        peak,
        offered: r.offeredRate,
        requestedRate: rate,
        goodput,
        shed: shed.length,
        shedP99,
        rssStart,
        rssEnd,
        statuses: r.statuses,
        seconds,
      },
    })
  } finally {
    await gw.stop()
    await flushBenchDb()
  }
}
