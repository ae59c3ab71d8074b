import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEndpoint } from '../support/http-endpoint.ts'
import { type CappingGateway, startCappingGateway } from './capping-gateway.ts'

type Endpoint = Awaited<ReturnType<typeof startEndpoint>>
const unique = () => Math.random().toString(36).slice(2, 8)
const cfg = (url: string, rating: { maxCallsCount: number; periodInMs: number }, methods = ['POST']) => ({
  url,
  methods,
  services: { action: { rating } },
})

describe('capping of custom actions by deployed endpoint configs', () => {
  let gw: CappingGateway
  let ep: Endpoint
  beforeAll(async () => {
    ep = await startEndpoint(() => ({ status: 200 }))
    gw = await startCappingGateway()
  })
  afterAll(async () => {
    await gw.stop()
    await ep.close()
  })

  const action = (path: string, method = 'POST') => ({
    channel: 'action',
    to: `${ep.url}${path}`,
    action: { method, body: { n: 1 } },
  })
  const send = (path: string, method = 'POST') => gw.call('POST', '/v1/messages', action(path, method))
  const create = async (body: unknown) => {
    const r = await gw.call('POST', '/v1/endpoint-configs', body)
    expect(r.status).toBe(200)
    return r.json.uid as string
  }
  const deploy = async (uid: string) =>
    expect((await gw.call('POST', `/v1/endpoint-configs/${uid}/deploy`)).status).toBe(204)
  const capKeyOf = async (id: string) => {
    const m = (await gw.call('GET', `/v1/messages/${id}`)).json
    return m.trace.find((t: { step: string }) => t.step === 'capping')?.detail
  }
  const seen = (prefix: string) => ep.calls.filter((c) => c.path.startsWith(prefix)).length
  const settle = async (prefix: string, count: number) => {
    const until = Date.now() + 10_000
    while (seen(prefix) < count && Date.now() < until) await new Promise((r) => setTimeout(r, 20))
    await new Promise((r) => setTimeout(r, 200))
  }

  it('admits exactly 200 of 300 concurrent calls under a deployed 200 per 10,000 ms config; 100 get 429 CAPPED', async () => {
    const base = `/burst-${unique()}`
    const uid = await create(cfg(`${ep.url}${base}/*`, { maxCallsCount: 200, periodInMs: 10_000 }))
    await deploy(uid)
    const started = Date.now()
    const rs = await Promise.all(Array.from({ length: 300 }, (_, i) => send(`${base}/x?i=${i}`)))
    const elapsed = Date.now() - started
    const accepted = rs.filter((r) => r.status === 202)
    const capped = rs.filter((r) => r.status === 429)
    expect(elapsed).toBeLessThan(10_000) // the burst fits in one window, so exact counts hold
    expect(accepted).toHaveLength(200)
    expect(capped).toHaveLength(100)
    for (const r of capped) {
      expect(r.json.code).toBe('CAPPED')
      expect(r.json.messageId).toMatch(/^msg_/)
      const retryAfter = Number(r.headers.get('retry-after'))
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 11).toBe(true)
    }
    const one = (await gw.call('GET', `/v1/messages/${capped[0]?.json.messageId}`)).json
    expect(one.status).toBe('capped')
    expect(one.error.code).toBe('CAPPED')
    expect(await capKeyOf(accepted[0]?.json.id)).toMatchObject({ key: `config:${uid}`, limit: 200, windowMs: 10_000 })
    const limits = (await gw.call('GET', '/v1/limits')).json.items
    await settle(`${base}/x`, 200)
    expect(seen(`${base}/x`)).toBe(200)

    expect(limits).toContainEqual({
      key: `config:${uid}`,
      kind: 'cap',
      limit: 200,
      windowMs: 10_000,
      used: 200,
      slow: false,
    })
  })

  it('enforces a config only once deployed, and not after undeploy', async () => {
    const base = `/deploy-${unique()}`
    const uid = await create(cfg(`${ep.url}${base}/*`, { maxCallsCount: 2, periodInMs: 10_000 }))
    const before = await Promise.all(Array.from({ length: 5 }, () => send(`${base}/a`)))
    expect(before.map((r) => r.status)).toEqual([202, 202, 202, 202, 202])
    expect((await capKeyOf(before[0]?.json.id)).key).toMatch(/^host:/)
    await deploy(uid)
    const after = []
    for (let i = 0; i < 3; i++) after.push((await send(`${base}/a`)).status)
    expect(after).toEqual([202, 202, 429])
    expect((await gw.call('POST', `/v1/endpoint-configs/${uid}/undeploy`)).status).toBe(204)
    expect((await send(`${base}/a`)).status).toBe(202)
  })

  it('keeps enforcing the deployed snapshot after a PUT until the config is redeployed', async () => {
    const base = `/put-${unique()}`
    const url = `${ep.url}${base}/*`
    const uid = await create(cfg(url, { maxCallsCount: 2, periodInMs: 10_000 }))
    await deploy(uid)
    expect((await send(`${base}/a`)).status).toBe(202)
    expect((await send(`${base}/a`)).status).toBe(202)
    expect(
      (await gw.call('PUT', `/v1/endpoint-configs/${uid}`, cfg(url, { maxCallsCount: 5, periodInMs: 10_000 }))).status,
    ).toBe(200)
    expect((await send(`${base}/a`)).status).toBe(429)
    await deploy(uid)
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await send(`${base}/a`)).status)
    // the same admission record: 2 taken before, 3 more under the new limit of 5
    expect(statuses).toEqual([202, 202, 202, 429])
  })

  it('matches the longest literal prefix, the method, and ignores the query string', async () => {
    const base = `/lp-${unique()}`
    const wide = await create(cfg(`${ep.url}${base}/*`, { maxCallsCount: 1, periodInMs: 10_000 }))
    const narrow = await create(
      cfg(`${ep.url}${base}/special/*/x?ignored=1`, { maxCallsCount: 100, periodInMs: 10_000 }),
    )
    const getOnly = await create(cfg(`${ep.url}${base}/get/*`, { maxCallsCount: 1, periodInMs: 10_000 }, ['GET']))
    for (const uid of [wide, narrow, getOnly]) await deploy(uid)
    const a = await send(`${base}/special/seg/x?q=1`)
    expect((await capKeyOf(a.json.id)).key).toBe(`config:${narrow}`)
    const b = await send(`${base}/special/seg/y`)
    expect((await capKeyOf(b.json.id)).key).toBe(`config:${wide}`)
    const c = await send(`${base}/get/thing`, 'GET')
    expect((await capKeyOf(c.json.id)).key).toBe(`config:${getOnly}`)
    // POST to the GET-only config's URL falls back to the wider config (already full: 1 per 10 s)
    expect((await send(`${base}/get/thing`)).status).toBe(429)
  })
})

describe('default host caps switch to the slow cap for a slow endpoint', () => {
  let gw: CappingGateway
  let fast: Endpoint
  let slow: Endpoint
  beforeAll(async () => {
    fast = await startEndpoint(() => ({ status: 200, delayMs: 50 }))
    slow = await startEndpoint(() => ({ status: 200, delayMs: 150 }))
    gw = await startCappingGateway({ DEFAULT_CAP: '50/1000', SLOW_CAP: '20/1000', SLOW_ENDPOINT_MS: '100' })
  })
  afterAll(async () => {
    await gw.stop()
    await fast.close()
    await slow.close()
  })

  const syncCall = (url: string) =>
    gw.call(
      'POST',
      '/v1/messages',
      { channel: 'action', to: `${url}/p`, action: { method: 'POST', body: {} } },
      { prefer: 'wait=10' },
    )
  const capDetailOf = async (id: string) =>
    (await gw.call('GET', `/v1/messages/${id}`)).json.trace.find((t: { step: string }) => t.step === 'capping').detail

  it('uses the normal cap for an endpoint answering in 50 ms and the slow cap after a few calls of 150 ms', async () => {
    const fastDurations: number[] = []
    for (let i = 0; i < 5; i++) {
      const r = await syncCall(fast.url)
      expect(r.status).toBe(200)
      const detail = await capDetailOf(r.json.id)
      // the normal cap holds while every attempt measured under the threshold (a loaded machine can
      // stretch a 50 ms answer past 100 ms, and then the slow cap is the right answer)
      if (fastDurations.every((d) => d < 100)) expect(detail).toMatchObject({ limit: 50, windowMs: 1000, slow: false })
      fastDurations.push(r.json.attempts[0].durationMs)
    }
    const seen = []
    for (let i = 0; i < 5; i++) {
      const r = await syncCall(slow.url)
      expect(r.json.status).toBe('sent')
      seen.push(await capDetailOf(r.json.id))
    }
    expect(seen[0]).toMatchObject({ limit: 50, slow: false })
    expect(seen.at(-1)).toMatchObject({ limit: 20, windowMs: 1000, slow: true })
    const host = new URL(slow.url).host
    const limits = (await gw.call('GET', '/v1/limits')).json.items
    expect(limits).toContainEqual(expect.objectContaining({ key: `host:${host}`, kind: 'cap', limit: 20, slow: true }))
    if (fastDurations.every((d) => d < 80))
      expect(limits).toContainEqual(
        expect.objectContaining({ key: `host:${new URL(fast.url).host}`, limit: 50, slow: false }),
      )

    const burst = await Promise.all(
      Array.from({ length: 40 }, () =>
        gw.call('POST', '/v1/messages', {
          channel: 'action',
          to: `${slow.url}/b`,
          action: { method: 'POST', body: {} },
        }),
      ),
    )
    expect(burst.filter((r) => r.status === 202).length).toBeLessThanOrEqual(20)
    expect(burst.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(20)
  })
})
