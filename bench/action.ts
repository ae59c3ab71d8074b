import { Pool } from 'undici'
import { httpActionAdapter } from '../adapters/action/http/http-action-adapter.ts'
import type { MessageRecord } from '../src/domain/message.ts'
import { startBenchEndpoint } from './lib/endpoint.ts'
import { startGatewayProcess } from './lib/gateway-process.ts'
import { closedLoop } from './lib/load.ts'
import { BENCH_REDIS_URL, flushBenchDb } from './lib/redis-db.ts'
import { log, median, report } from './lib/report.ts'
import { interleaved } from './lib/rounds.ts'

async function concurrently(total: number, concurrency: number, task: () => Promise<unknown>) {
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) await task()
    }),
  )
  return total / ((performance.now() - started) / 1000)
}

/** `action`: awaited custom actions vs echo (≥0.40×); the adapter alone vs raw undici Pool.request (≥0.75×). */
export async function benchAction() {
  const endpoint = await startBenchEndpoint()
  await flushBenchDb()
  const gw = await startGatewayProcess({ env: { STORE: 'redis', REDIS_URL: BENCH_REDIS_URL, TRANSACTIONAL_RATE: '0' } })
  const body = JSON.stringify({
    channel: 'action',
    to: `${endpoint.origin}/hook`,
    action: { method: 'POST', body: { hello: 'world' } },
  })
  try {
    log('action: POST /v1/messages with Prefer: wait=5 to a local endpoint vs echo, 50 connections')
    const r = await interleaved({
      rounds: 5,
      pids: () => [process.pid, gw.pid],
      baseline: () => closedLoop({ url: `${gw.url}/__bench/echo`, body }),
      subject: () => closedLoop({ url: `${gw.url}/v1/messages`, body, extraHeaders: { prefer: 'wait=5' } }),
    })
    log(`action: echo ${r.baselineMedian.toFixed(0)} req/s, awaited actions ${r.subjectMedian.toFixed(0)} req/s`)
    report({
      name: 'action',
      figure: 'ratio',
      value: r.ratio,
      target: '>=0.40',
      pass: r.ratio >= 0.4,
      details: { echoRps: r.baselineMedian, actionRps: r.subjectMedian, ratios: r.ratios },
    })
  } finally {
    await gw.stop()
  }

  log('action-adapter: httpActionAdapter.send vs raw undici Pool.request, 50 concurrent, 5 rounds of 5,000')
  const adapter = httpActionAdapter({ allowPrivate: true })
  const pool = new Pool(endpoint.origin, { connections: 50 })
  const message = {
    id: 'msg_bench',
    sandbox: 'bench',
    channel: 'action',
    to: `${endpoint.origin}/hook`,
    action: { method: 'POST', headers: {}, timeoutMs: 30_000, dropNulls: false },
    content: { json: { hello: 'world' } },
  } as unknown as MessageRecord
  const raw = () =>
    pool
      .request({
        method: 'POST',
        path: '/hook',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'msg_bench' },
        body: '{"hello":"world"}',
      })
      .then((res) => res.body.dump())
  const viaAdapter = () => adapter.send(message, { attempt: 1, timeoutMs: 30_000 })
  const ratios: number[] = []
  await concurrently(2000, 50, raw)
  await concurrently(2000, 50, viaAdapter)
  for (let i = 0; i < 5; i++) {
    const a = i % 2 ? await concurrently(5000, 50, viaAdapter) : await concurrently(5000, 50, raw)
    const b = i % 2 ? await concurrently(5000, 50, raw) : await concurrently(5000, 50, viaAdapter)
    const [rawRate, adapterRate] = i % 2 ? [b, a] : [a, b]
    log(`  round ${i + 1}: raw ${rawRate.toFixed(0)}/s, adapter ${adapterRate.toFixed(0)}/s`)
    ratios.push(adapterRate / rawRate)
  }
  await adapter.close()
  await pool.close()
  await endpoint.close()
  const ratio = median(ratios)
  report({
    name: 'action-adapter',
    figure: 'ratio',
    value: ratio,
    target: '>=0.75',
    pass: ratio >= 0.75,
    details: { ratios },
  })
}
