import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEndpoint } from '../support/http-endpoint.ts'
import { startTestGateway } from '../support/test-gateway.ts'

describe('custom actions: AJO retry rules', () => {
  let gw: Awaited<ReturnType<typeof startTestGateway>>
  let ep: Awaited<ReturnType<typeof startEndpoint>>
  beforeAll(async () => {
    ep = await startEndpoint((call, n) => {
      const status = /^\/s(\d{3})/.exec(call.path)?.[1]
      if (status) return { status: Number(status) }
      if (call.path.startsWith('/flaky')) return { status: n <= 2 ? 500 : 200 }
      if (call.path.startsWith('/retry-after'))
        return n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }
      if (call.path.startsWith('/hang')) return { status: 200, delayMs: 5000 }
      return { status: 200 }
    })
    gw = await startTestGateway()
  })
  afterAll(async () => {
    await gw.stop()
    await ep.close()
  })

  const action = (path: string, extra: Record<string, unknown> = {}) => ({
    channel: 'action',
    to: `${ep.url}${path}`,
    action: { method: 'POST', body: { hello: 'world' }, ...extra },
  })

  for (const [status, attempts] of [
    [500, 4],
    [400, 4],
    [503, 4],
    [404, 1],
    [401, 1],
    [403, 1],
  ] as const) {
    it(`makes exactly ${attempts} attempt(s) against an endpoint answering ${status}`, async () => {
      const path = `/s${status}-${Math.random().toString(36).slice(2)}`
      const r = await gw.call('POST', '/v1/messages', action(path))
      expect(r.status).toBe(202)
      const m = await gw.waitFor(r.json.id, ['failed'])
      expect(ep.count(path)).toBe(attempts)
      expect(m.attempts).toHaveLength(attempts)
      expect(m.error.code).toBe(`HTTP_${status}`)
    })
  }

  it('ends sent after 500, 500, 200 with the same Idempotency-Key on every attempt', async () => {
    const path = `/flaky-${Math.random().toString(36).slice(2)}`
    const r = await gw.call('POST', '/v1/messages', action(path))
    const m = await gw.waitFor(r.json.id, ['sent'])
    const calls = ep.calls.filter((c) => c.path === path)
    expect(calls).toHaveLength(3)
    expect(new Set(calls.map((c) => c.headers['idempotency-key']))).toEqual(new Set([r.json.id]))
    expect(m.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['failure', 'failure', 'success'])
    expect(m.trace.filter((t: { step: string }) => t.step === 'retry')).toHaveLength(2)
  })

  it('honours Retry-After', async () => {
    const path = `/retry-after-${Math.random().toString(36).slice(2)}`
    const r = await gw.call('POST', '/v1/messages', action(path))
    await gw.waitFor(r.json.id, ['sent'])
    const [first, second] = ep.calls.filter((c) => c.path === path)
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900)
  })

  it('fails a hanging endpoint with TIMEOUT once the 1 s budget is spent', async () => {
    const path = `/hang-${Math.random().toString(36).slice(2)}`
    const started = Date.now()
    const r = await gw.call('POST', '/v1/messages', action(path, { timeoutMs: 1000 }))
    const m = await gw.waitFor(r.json.id, ['failed'])
    const took = Date.now() - started
    expect(m.error.code).toBe('TIMEOUT')
    expect(took).toBeGreaterThanOrEqual(900)
    expect(took).toBeLessThan(4000)
  })

  it('answers Prefer: wait with the final outcome', async () => {
    const r = await gw.call('POST', '/v1/messages', action('/ok-sync'), { prefer: 'wait=5' })
    expect(r.status).toBe(200)
    expect(r.json.status).toBe('sent')
    expect(r.headers.get('preference-applied')).toBe('wait=5')
    const failed = await gw.call('POST', '/v1/messages', action('/s404-sync'), { prefer: 'wait=5' })
    expect(failed.status).toBe(200)
    expect(failed.json).toMatchObject({ status: 'failed', error: { code: 'HTTP_404' } })
  })

  it('masks action header values in responses', async () => {
    const r = await gw.call('POST', '/v1/messages', action('/masked', { headers: { 'x-api-key': 'super-secret' } }))
    const m = await gw.waitFor(r.json.id, ['sent'])
    expect(JSON.stringify(m)).not.toContain('super-secret')
    expect(ep.calls.find((c) => c.path === '/masked')?.headers['x-api-key']).toBe('super-secret')
  })
})

describe('custom action URL rules', () => {
  let gw: Awaited<ReturnType<typeof startTestGateway>>
  let ep: Awaited<ReturnType<typeof startEndpoint>>
  beforeAll(async () => {
    ep = await startEndpoint()
    gw = await startTestGateway({ ACTIONS_ALLOW_PRIVATE: 'false' })
  })
  afterAll(async () => {
    await gw.stop()
    await ep.close()
  })

  const send = (to: string, action: Record<string, unknown> = {}) =>
    gw.call('POST', '/v1/messages', { channel: 'action', to, action: { method: 'POST', body: { a: 1 }, ...action } })

  it.each([
    'https://10.1.2.3/',
    'http://127.0.0.1/',
    'https://[::1]/',
    'https://169.254.169.254/',
    'http://user:pw@example.com/',
    'https://example.com:8443/',
  ])('refuses %s at intake with 400', async (url) => {
    const r = await send(url)
    expect(r.status).toBe(400)
    expect(r.json.code).toBe('VALIDATION')
  })

  it('refuses DELETE, a $ header and a dotted body key at intake', async () => {
    expect((await send('https://example.com/', { method: 'DELETE' })).status).toBe(400)
    expect((await send('https://example.com/', { headers: { $x: '1' } })).status).toBe(400)
    expect((await send('https://example.com/', { body: { 'a.b': 1 } })).status).toBe(400)
  })

  it('fails a hostname resolving to 127.0.0.1 with BLOCKED_ADDRESS and sends nothing', async () => {
    const r = await send('http://localhost/blocked')
    expect(r.status).toBe(202)
    const m = await gw.waitFor(r.json.id, ['failed'])
    expect(m.error.code).toBe('BLOCKED_ADDRESS')
    expect(ep.calls).toHaveLength(0)
  })
})
