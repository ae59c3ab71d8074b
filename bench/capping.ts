import { Pool } from 'undici'
import { startGatewayProcess } from './lib/gateway-process.ts'
import { headers } from './lib/load.ts'
import { BENCH_REDIS_URL, flushBenchDb } from './lib/redis-db.ts'
import { log, report } from './lib/report.ts'

type Pattern = 'poisson' | 'on-off' | 'boundary'

/** Arrival offsets (ms) over `seconds` at `rate`/s on average, by pattern. */
function arrivals(pattern: Pattern, rate: number, seconds: number, windowMs: number): number[] {
  const out: number[] = []
  const end = seconds * 1000
  if (pattern === 'poisson') {
    for (let t = 0; t < end; ) {
      t += -Math.log(1 - Math.random()) * (1000 / rate)
      out.push(t)
    }
  } else if (pattern === 'on-off') {
    // 250 ms on at twice the rate, 250 ms off.
    for (let t = 0; t < end; t += 1000 / (rate * 2)) if (Math.floor(t / 250) % 2 === 0) out.push(t)
  } else {
    // Bursts straddling window boundaries: most of each window's traffic in the 100 ms around its edge.
    for (let w = 0; w < end; w += windowMs)
      for (let i = 0; i < (rate * windowMs) / 1000; i++) out.push(Math.max(0, w + windowMs - 50 + Math.random() * 100))
    out.sort((a, b) => a - b)
  }
  return out
}

/** Admissions an exact sliding log would make for these arrival times. */
function exactLog(times: number[], limit: number, windowMs: number): number {
  const admitted: number[] = []
  let head = 0
  for (const t of times) {
    while (head < admitted.length && (admitted[head] as number) <= t - windowMs) head++
    if (admitted.length - head < limit) admitted.push(t)
  }
  return admitted.length
}

function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b)
  let best = 0
  let lo = 0
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] as number) - (sorted[lo] as number) >= windowMs) lo++
    best = Math.max(best, hi - lo + 1)
  }
  return best
}

/** Capping decision times (Redis time, from the trace) of the messages with `status`. */
async function decisionTimes(url: string, status: 'queued' | 'capped'): Promise<number[]> {
  const times: number[] = []
  let cursor = ''
  do {
    const query = `status=${status}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const page = (await (await fetch(`${url}/v1/messages?${query}`, { headers })).json()) as {
      items: { trace: { step: string; at: string }[] }[]
      nextCursor: string | null
    }
    for (const m of page.items) {
      const at = m.trace.find((t) => t.step === 'capping')?.at
      if (at) times.push(Date.parse(at))
    }
    cursor = page.nextCursor ?? ''
  } while (cursor)
  return times
}

/**
 * `capping`: on/off, Poisson and boundary-burst arrivals at 5,000 offered/s against a 1,000/s cap (and a
 * 60,000/60 s cap with BENCH_CAPPING_LONG=1), split over 2 gateway processes on one Redis. Admission
 * times come from each message's capping trace entry, stamped with Redis time inside the accept script.
 */
export async function benchCapping() {
  const caps = [{ limit: 1000, windowMs: 1000, seconds: 5 }]
  if (process.env.BENCH_CAPPING_LONG === '1') caps.push({ limit: 60_000, windowMs: 60_000, seconds: 65 })
  const rows: Record<string, unknown>[] = []
  let worstOvershoot = 0
  let worstUtilisation = Number.POSITIVE_INFINITY
  let pass = true
  for (const cap of caps)
    for (const pattern of ['poisson', 'on-off', 'boundary'] as Pattern[]) {
      await flushBenchDb()
      const env = { STORE: 'redis', REDIS_URL: BENCH_REDIS_URL, ROLE: 'api', REDIS_TIMEOUT_MS: '5000' }
      const a = await startGatewayProcess({ env, cpu: 1 })
      const b = await startGatewayProcess({ env, cpu: 1 })
      const pools = [new Pool(a.url, { connections: 128 }), new Pool(b.url, { connections: 128 })]
      try {
        const target = 'https://capped.example.com'
        const body = JSON.stringify({
          url: `${target}/*`,
          methods: ['POST'],
          services: { action: { rating: { maxCallsCount: cap.limit, periodInMs: cap.windowMs } } },
        })
        const created = (await (
          await fetch(`${a.url}/v1/endpoint-configs`, { method: 'POST', headers, body })
        ).json()) as { uid: string }
        await fetch(`${a.url}/v1/endpoint-configs/${created.uid}/deploy`, { method: 'POST', headers })
        await new Promise((r) => setTimeout(r, 1500))
        const plan = arrivals(pattern, 5000, cap.seconds, cap.windowMs)
        const start = performance.now()
        const statuses: Record<number, number> = {}
        const inflight: Promise<void>[] = []
        for (const [i, offset] of plan.entries()) {
          const wait = start + offset - performance.now()
          if (wait > 1) await new Promise((r) => setTimeout(r, wait))
          const msg = JSON.stringify({
            channel: 'action',
            to: `${target}/hook`,
            action: { method: 'POST', body: { i } },
          })
          inflight.push(
            (pools[i % 2] as Pool).request({ method: 'POST', path: '/v1/messages', headers, body: msg }).then(
              async (res) => {
                statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1
                await res.body.dump()
              },
              () => {},
            ),
          )
        }
        await Promise.all(inflight)
        const admitted = await decisionTimes(a.url, 'queued')
        const refused = await decisionTimes(a.url, 'capped')
        // The exact log judges the same calls at the same (Redis) times as the limiter did.
        const decided = [...admitted, ...refused].sort((x, y) => x - y)
        const overshoot = Math.max(0, maxInWindow(admitted, cap.windowMs) - cap.limit)
        const exact = exactLog(decided, cap.limit, cap.windowMs)
        const spanS = ((decided.at(-1) ?? 0) - (decided[0] ?? 0)) / 1000
        const utilisation = admitted.length / exact
        const floor = pattern === 'boundary' ? 0.95 : 0.99
        worstOvershoot = Math.max(worstOvershoot, overshoot)
        worstUtilisation = Math.min(worstUtilisation, utilisation)
        pass &&= overshoot === 0 && utilisation >= floor
        rows.push({
          cap,
          pattern,
          offered: plan.length,
          reachedLimiterPerSecond: decided.length / spanS,
          admitted: admitted.length,
          exact,
          overshoot,
          utilisation,
          statuses,
        })
        log(
          `  ${cap.limit}/${cap.windowMs} ms ${pattern}: offered ${plan.length} (asked 5,000/s; ${(decided.length / spanS).toFixed(0)}/s reached the limiter), admitted ${admitted.length}, exact log ${exact}, utilisation ${(utilisation * 100).toFixed(2)}%, overshoot ${overshoot}, answers ${JSON.stringify(statuses)}`,
        )
      } finally {
        await Promise.all(pools.map((p) => p.close()))
        await a.stop()
        await b.stop()
      }
    }
  await flushBenchDb()
  report({
    name: 'capping',
    figure: 'overshoot',
    value: worstOvershoot,
    target: 'overshoot=0,utilisation>=0.99(0.95 bursts)',
    pass,
    details: { rows, worstUtilisation, processes: 2 },
  })
}
