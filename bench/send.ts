import { BENCH_KEY, startGatewayProcess } from './lib/gateway-process.ts'
import { closedLoop } from './lib/load.ts'
import { BENCH_REDIS_URL, flushBenchDb } from './lib/redis-db.ts'
import { log, report } from './lib/report.ts'
import { interleaved } from './lib/rounds.ts'

let n = 0
export const sendBody = () =>
  JSON.stringify({
    channel: 'email',
    to: `bench-${n++}@example.com`,
    template: 'order-confirmation',
    data: { firstName: 'Ana', orderId: `A-${n}`, total: '42.00' },
  })

/** `send`: POST /v1/messages (real Redis, sandbox adapter, valid message) vs the echo route, autocannon 50 connections. */
export async function benchSend() {
  await flushBenchDb()
  const gw = await startGatewayProcess({
    env: { STORE: 'redis', REDIS_URL: BENCH_REDIS_URL, ROLE: 'api', TRANSACTIONAL_RATE: '0' },
  })
  log(`send: gateway ${gw.url} (ROLE=api: intake only; key ${BENCH_KEY}), 50 connections, 4 s rounds`)
  try {
    const echoBody = sendBody()
    const r = await interleaved({
      rounds: 5,
      pids: () => [process.pid, gw.pid],
      baseline: () => closedLoop({ url: `${gw.url}/__bench/echo`, body: echoBody }),
      subject: () => closedLoop({ url: `${gw.url}/v1/messages`, body: sendBody }),
    })
    log(`send: echo ${r.baselineMedian.toFixed(0)} req/s, send ${r.subjectMedian.toFixed(0)} req/s`)
    report({
      name: 'send',
      figure: 'ratio',
      value: r.ratio,
      target: '>=0.60',
      pass: r.ratio >= 0.6,
      details: { echoRps: r.baselineMedian, sendRps: r.subjectMedian, ratios: r.ratios, store: 'redis', role: 'api' },
    })
  } finally {
    await gw.stop()
    await flushBenchDb()
  }
}
