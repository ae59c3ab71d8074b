import autocannon from 'autocannon'
import { Pool } from 'undici'
import { BENCH_KEY } from './gateway-process.ts'
import { percentile } from './report.ts'

export const headers = { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' }

/** Closed-loop load (autocannon): requests per second over `seconds`. */
export async function closedLoop({
  url,
  body,
  connections = 50,
  seconds = 4,
  extraHeaders = {},
}: {
  url: string
  body: string | (() => string)
  connections?: number
  seconds?: number
  extraHeaders?: Record<string, string>
}) {
  const requests =
    typeof body === 'function'
      ? [{ method: 'POST' as const, setupRequest: (req: Record<string, unknown>) => ({ ...req, body: body() }) }]
      : undefined
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { ...headers, ...extraHeaders },
    ...(typeof body === 'string' ? { body } : { requests }),
  })
  const ok = result['2xx']
  return { value: ok / seconds, non2xx: result.non2xx, errors: result.errors, p99: result.latency.p99 }
}

/**
 * Open-loop load: requests are scheduled at a fixed rate whatever the answers, and latency counts from
 * the scheduled time, so a stall shows up in every request it delays (no coordinated omission).
 */
export async function openLoop({
  origin,
  path,
  body,
  rate,
  seconds,
  connections = 256,
}: {
  origin: string
  path: string
  body: () => string
  rate: number
  seconds: number
  connections?: number
}) {
  const pool = new Pool(origin, { connections, pipelining: 1 })
  const total = Math.floor(rate * seconds)
  const latencies: number[] = []
  const statuses = new Map<number, number>()
  const byStatus = new Map<number, number[]>()
  let errors = 0
  const start = performance.now() + 50
  const inflight: Promise<void>[] = []
  for (let i = 0; i < total; i++) {
    const scheduled = start + (i * 1000) / rate
    const wait = scheduled - performance.now()
    if (wait > 1) await new Promise((r) => setTimeout(r, wait))
    inflight.push(
      pool
        .request({ method: 'POST', path, headers, body: body() })
        .then(async (res) => {
          await res.body.dump()
          const latency = performance.now() - scheduled
          latencies.push(latency)
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
          const list = byStatus.get(res.statusCode) ?? []
          list.push(latency)
          byStatus.set(res.statusCode, list)
        })
        .catch(() => {
          errors++
        }),
    )
  }
  await Promise.all(inflight)
  const offered = total / ((performance.now() - start) / 1000)
  await pool.close()
  return {
    offeredRate: Math.min(rate, offered),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    statuses: Object.fromEntries(statuses),
    errors,
    latencies,
    byStatus,
    seconds: (performance.now() - start) / 1000,
  }
}
