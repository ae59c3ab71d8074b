import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sleep } from '../../src/domain/clock.ts'
import { type OwnRedis, startRedis } from '../store/redis-harness.ts'
import { type CountingEndpoint, startCountingEndpoint } from './counting-endpoint.ts'
import { callGateway, statusesOf } from './gateway-client.ts'
import { type GatewayProcess, startGatewayProcess } from './gateway-process.ts'

// Issue 4: two gateway processes on one Redis behave as one gateway (idempotency, suppression, caps).

let redis: OwnRedis
let endpoint: CountingEndpoint
let a: GatewayProcess
let b: GatewayProcess

beforeAll(async () => {
  redis = await startRedis()
  endpoint = await startCountingEndpoint()
  // Not an outage test: a generous Redis timeout keeps a loaded machine from answering 503.
  const env = { REDIS_TIMEOUT_MS: '10000' }
  ;[a, b] = await Promise.all([
    startGatewayProcess({ redisUrl: redis.url, env }),
    startGatewayProcess({ redisUrl: redis.url, env }),
  ])
}, 60_000)

afterAll(async () => {
  await Promise.allSettled([a?.kill('SIGKILL'), b?.kill('SIGKILL')])
  await endpoint?.close()
  await redis?.stop()
})

const both = () => [a, b] as const
const email = (to: string) => ({ channel: 'email', to, content: { subject: 'Hi', text: 'Hello' } })

describe('two gateway processes on one Redis', () => {
  it('creates one message for one Idempotency-Key sent to both at once', { timeout: 60_000 }, async () => {
    const to = 'idem-both@example.com'
    const body = email(to)
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        callGateway(both()[i % 2]!.url, 'POST', '/v1/messages', body, { 'idempotency-key': 'same-key-on-both' }),
      ),
    )
    for (const r of answers) expect(r.status).toBe(202)
    const ids = new Set(answers.map((r) => r.json?.id))
    expect(ids.size).toBe(1)
    expect(answers.filter((r) => r.headers?.get('idempotent-replayed') === 'true')).toHaveLength(19)
    const listed = await callGateway(b.url, 'GET', `/v1/messages?to=${encodeURIComponent(to)}&limit=100`)
    expect(listed.status).toBe(200)
    expect(listed.json?.items).toHaveLength(1)
  })

  it('enforces a suppression added through one process on the other at once', { timeout: 60_000 }, async () => {
    const to = 'suppress-me@example.com'
    expect((await callGateway(b.url, 'POST', '/v1/messages', email(to))).status).toBe(202)
    const added = await callGateway(a.url, 'POST', '/v1/suppressions', [{ type: 'email', value: to }])
    expect(added.status).toBe(201)
    const next = await callGateway(b.url, 'POST', '/v1/messages', email(to))
    expect(next.status).toBe(200)
    expect(next.json).toMatchObject({ status: 'suppressed', reason: 'manual' })
    // And the other way round, by domain.
    const domainAdded = await callGateway(b.url, 'POST', '/v1/suppressions', [
      { type: 'domain', value: 'blocked.test' },
    ])
    expect(domainAdded.status).toBe(201)
    const byDomain = await callGateway(a.url, 'POST', '/v1/messages', email('anyone@blocked.test'))
    expect(byDomain.status).toBe(200)
    expect(byDomain.json?.status).toBe('suppressed')
  })

  it('admits exactly 100 of 300 concurrent calls split across both under a 100/s capping config', {
    timeout: 90_000,
  }, async () => {
    const LIMIT = 100
    const WINDOW_MS = 1000
    const created = await callGateway(a.url, 'POST', '/v1/endpoint-configs', {
      url: `${endpoint.origin}/capped/*`,
      methods: ['POST'],
      services: { action: { maxHttpConnections: 50, rating: { maxCallsCount: LIMIT, periodInMs: WINDOW_MS } } },
    })
    expect(created.status, `endpoint-configs route: ${JSON.stringify(created.json)}`).toBe(200)
    const uid = created.json?.uid as string
    const deployed = await callGateway(a.url, 'POST', `/v1/endpoint-configs/${uid}/deploy`)
    expect(deployed.status).toBe(204)
    // The other process caches deployed configs for 1 s.
    await sleep(1600)

    // Open the connections first, so that the burst is only the calls themselves.
    await Promise.all(
      both().flatMap((g) => Array.from({ length: 150 }, () => fetch(`${g.url}/healthz`).then((r) => r.text()))),
    )
    const call = (i: number) =>
      callGateway(both()[i % 2]!.url, 'POST', '/v1/messages', {
        channel: 'action',
        to: `${endpoint.origin}/capped/${i}`,
        action: { method: 'POST', body: { i } },
      })
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => call(i)))

    const admitted = answers.filter((r) => r.status === 202)
    const capped = answers.filter((r) => r.status === 429)
    const outcomes: Record<string, number> = {}
    for (const r of answers) {
      const k = `${r.status} ${r.json?.code ?? r.error ?? ''}`.trim()
      outcomes[k] = (outcomes[k] ?? 0) + 1
    }
    expect(admitted.length + capped.length, `every call answered 202 or 429: ${JSON.stringify(outcomes)}`).toBe(300)
    for (const r of capped) {
      expect(r.json?.code).toBe('CAPPED')
      expect(Number(r.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1)
    }

    // Each decision's time is its capping trace entry's: Redis TIME, the limiter's own clock.
    const ids = answers.map((r) => String(r.status === 202 ? r.json?.id : r.json?.messageId))
    const records = await statusesOf(a.url, ids)
    const decisions = ids.map((id) => {
      const trace = (records.get(id)?.trace ?? []) as { at: string; step: string; decision: string }[]
      const entry = trace.find((t) => t.step === 'capping')
      return { at: Date.parse(entry?.at ?? ''), admitted: entry?.decision === 'admitted' }
    })
    expect(decisions.every((d) => Number.isFinite(d.at))).toBe(true)
    expect(decisions.filter((d) => d.admitted)).toHaveLength(admitted.length)
    const times = decisions
      .filter((d) => d.admitted)
      .map((d) => d.at)
      .sort((x, y) => x - y)
    // SPEC section 13: "≤ L in every window" always...
    for (let i = 0, j = 0; i < times.length; i++) {
      while ((times[j] as number) <= (times[i] as number) - WINDOW_MS) j++
      expect(i - j + 1, `admissions in the window ending at admission ${i}`).toBeLessThanOrEqual(LIMIT)
    }
    // ...and exactness where the burst fits in a window: the key is fresh, so in the first window after the
    // first decision a call is admitted iff fewer than L were before it (the buckets count nothing older).
    const first = Math.min(...decisions.map((d) => d.at))
    const inFirst = decisions.filter((d) => d.at < first + WINDOW_MS)
    const spanMs = Math.max(...decisions.map((d) => d.at)) - first
    expect(inFirst.filter((d) => d.admitted).length, `first window: ${inFirst.length} decisions`).toBe(
      Math.min(LIMIT, inFirst.length),
    )
    if (spanMs < WINDOW_MS) expect(admitted.length, `burst span ${spanMs} ms on the Redis clock`).toBe(LIMIT)
  })
})
