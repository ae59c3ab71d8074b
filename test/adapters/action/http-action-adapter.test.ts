import type { AddressInfo } from 'node:net'
import { createServer as createTlsServer } from 'node:tls'
import { generate } from 'selfsigned'
import { afterEach, describe, expect, it } from 'vitest'
import { httpActionAdapter } from '../../../adapters/action/http/http-action-adapter.ts'
import type { ActionSpec, MessageRecord } from '../../../src/domain/message.ts'
import { type LocalEndpoint, type Respond, startEndpoint } from './local-endpoint.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()))
})

async function endpoint(respond?: Respond): Promise<LocalEndpoint> {
  const started = await startEndpoint(respond)
  cleanups.push(started.close)
  return started
}

function adapter(options: Parameters<typeof httpActionAdapter>[0] = { allowPrivate: true }) {
  const built = httpActionAdapter(options)
  cleanups.push(built.close)
  return built
}

function actionMessage(url: string, json: unknown, action: Partial<ActionSpec> = {}): MessageRecord {
  const at = new Date().toISOString()
  return {
    id: 'msg_01TEST',
    sandbox: 'sbx',
    channel: 'action',
    to: url,
    category: 'transactional',
    priority: 'normal',
    status: 'sending',
    createdAt: at,
    updatedAt: at,
    content: { json },
    action: { method: 'POST', headers: {}, timeoutMs: 30_000, dropNulls: false, ...action },
    attempts: [],
    trace: [],
    seriesAttempts: 0,
    sandboxed: false,
  }
}

const context = { attempt: 1, timeoutMs: 5_000 }
const answer =
  (status: number, body = '', headers: Record<string, string> = {}): Respond =>
  (_r, res) => {
    res.writeHead(status, headers)
    res.end(body)
  }

describe('httpActionAdapter', () => {
  it('is the http adapter of the action channel', () => {
    const built = adapter()
    expect(built.name).toBe('http')
    expect(built.channels).toEqual(['action'])
  })

  it('sends the method, JSON body, headers and Idempotency-Key', async () => {
    const server = await endpoint()
    const message = actionMessage(
      `${server.url}/hooks/order?src=ajo`,
      { order: 'A-1', items: [1, null, 2] },
      { headers: { Authorization: 'Bearer t0k', 'X-Journey': 'j1', 'content-type': 'text/plain' } },
    )
    const result = await adapter().send(message, context)
    expect(result).toEqual({ ok: true, detail: 'HTTP 200' })
    expect(server.received).toHaveLength(1)
    const [got] = server.received
    expect(got?.method).toBe('POST')
    expect(got?.path).toBe('/hooks/order?src=ajo')
    expect(JSON.parse(got?.body ?? '')).toEqual({ order: 'A-1', items: [1, null, 2] })
    expect(got?.headers).toMatchObject({
      'content-type': 'application/json',
      authorization: 'Bearer t0k',
      'x-journey': 'j1',
      'idempotency-key': 'msg_01TEST',
    })
  })

  it('drops null array items when dropNulls is set', async () => {
    const server = await endpoint()
    const message = actionMessage(server.url, { items: [1, null, { x: [null] }], y: null }, { dropNulls: true })
    await adapter().send(message, context)
    expect(JSON.parse(server.received[0]?.body ?? '')).toEqual({ items: [1, { x: [] }], y: null })
  })

  it('sends PUT with a body and GET without one', async () => {
    const server = await endpoint()
    const built = adapter()
    await built.send(actionMessage(server.url, { a: 1 }, { method: 'PUT' }), context)
    await built.send(actionMessage(`${server.url}/read`, { a: 1 }, { method: 'GET' }), context)
    expect(server.received.map((r) => r.method)).toEqual(['PUT', 'GET'])
    expect(server.received[0]?.body).toBe('{"a":1}')
    expect(server.received[1]?.body).toBe('')
    expect(server.received[1]?.headers['content-type']).toBeUndefined()
    expect(server.received[1]?.headers['idempotency-key']).toBe('msg_01TEST')
  })

  it.each([
    [500, 'HTTP_500'],
    [400, 'HTTP_400'],
    [503, 'HTTP_503'],
    [429, 'HTTP_429'],
  ])('answers %i as a retryable %s with the body as detail', async (status, code) => {
    const server = await endpoint(answer(status, `{"error":"nope ${status}"}`))
    const result = await adapter().send(actionMessage(server.url, {}), context)
    expect(result).toEqual({
      ok: false,
      code,
      retryable: true,
      httpStatus: status,
      detail: `{"error":"nope ${status}"}`,
    })
  })

  it.each([401, 403, 404])('answers %i as non-retryable', async (status) => {
    const server = await endpoint(answer(status))
    const result = await adapter().send(actionMessage(server.url, {}), context)
    expect(result).toEqual({
      ok: false,
      code: `HTTP_${status}`,
      retryable: false,
      httpStatus: status,
      detail: `HTTP ${status}`,
    })
  })

  it('keeps the first 500 characters of a long error body', async () => {
    const server = await endpoint(answer(502, 'é'.repeat(2_000)))
    const result = await adapter().send(actionMessage(server.url, {}), context)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.detail).toBe('é'.repeat(500))
  })

  it('reads Retry-After as seconds or as an HTTP date', async () => {
    const seconds = await endpoint(answer(503, 'busy', { 'retry-after': '7' }))
    const later = new Date(Date.now() + 60_000).toUTCString()
    const dated = await endpoint(answer(429, 'slow down', { 'retry-after': later }))
    const built = adapter()
    const first = await built.send(actionMessage(seconds.url, {}), context)
    const second = await built.send(actionMessage(dated.url, {}), context)
    expect(first).toMatchObject({ code: 'HTTP_503', retryable: true, retryAfterMs: 7_000 })
    expect(second).toMatchObject({ code: 'HTTP_429', retryable: true })
    if (!second.ok) expect(second.retryAfterMs).toBeGreaterThan(55_000)
  })

  it('times out a hanging endpoint within the attempt budget, as an ambiguous TIMEOUT', async () => {
    const server = await endpoint(() => {})
    const started = performance.now()
    const result = await adapter().send(actionMessage(server.url, {}), { attempt: 1, timeoutMs: 300 })
    const elapsed = performance.now() - started
    expect(result).toMatchObject({ ok: false, code: 'TIMEOUT', retryable: true, ambiguous: true })
    expect(elapsed).toBeGreaterThanOrEqual(250)
    expect(elapsed).toBeLessThan(3_000)
    expect(server.received).toHaveLength(1)
  })

  it('times out a call still queued for a connection as not ambiguous, and never sends it', async () => {
    const server = await endpoint(() => {})
    const built = adapter({ allowPrivate: true, connectionLimitFor: () => 1 })
    const slow = built.send(actionMessage(`${server.url}/first`, {}), { attempt: 1, timeoutMs: 400 })
    const queued = await built.send(actionMessage(`${server.url}/second`, {}), { attempt: 1, timeoutMs: 150 })
    expect(queued).toMatchObject({ ok: false, code: 'TIMEOUT', retryable: true, ambiguous: false })
    expect(await slow).toMatchObject({ code: 'TIMEOUT', ambiguous: true })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(server.received.map((r) => r.path)).toEqual(['/first'])
  })

  it('stops when the caller aborts', async () => {
    const server = await endpoint(() => {})
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const result = await adapter().send(actionMessage(server.url, {}), {
      attempt: 1,
      timeoutMs: 5_000,
      signal: controller.signal,
    })
    expect(result).toMatchObject({ ok: false, code: 'NETWORK', retryable: true, ambiguous: true, detail: 'aborted' })
  })

  it('reports a refused connection as NETWORK, retryable and not ambiguous', async () => {
    const gone = await startEndpoint()
    await gone.close()
    const result = await adapter().send(actionMessage(gone.url, {}), context)
    expect(result).toMatchObject({ ok: false, code: 'NETWORK', retryable: true, ambiguous: false })
    if (!result.ok) expect(result.detail).toContain('ECONNREFUSED')
  })

  it('stops reading a body over maxResponseBytes and still reports the status', async () => {
    const server = await endpoint((_r, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' })
      const chunk = 'x'.repeat(64 * 1024)
      let sent = 0
      const pump = () => {
        while (sent < 200 && res.write(chunk)) sent++
        if (sent < 200) res.once('drain', pump)
        else res.end()
      }
      pump()
    })
    const result = await adapter({ allowPrivate: true, maxResponseBytes: 100_000 }).send(
      actionMessage(server.url, {}),
      context,
    )
    expect(result).toMatchObject({ ok: false, code: 'HTTP_500', retryable: true, detail: 'x'.repeat(500) })
  })

  describe('redirects', () => {
    it('follows one redirect with the same method, body and Idempotency-Key', async () => {
      const server = await endpoint((request, res) => {
        if (request.path === '/start') answer(302, '', { location: '/final' })(request, res, undefined as never)
        else res.end('done')
      })
      const result = await adapter().send(actionMessage(`${server.url}/start`, { n: 1 }), context)
      expect(result).toEqual({ ok: true, detail: 'HTTP 200' })
      expect(server.received.map((r) => [r.method, r.path, r.body, r.headers['idempotency-key']])).toEqual([
        ['POST', '/start', '{"n":1}', 'msg_01TEST'],
        ['POST', '/final', '{"n":1}', 'msg_01TEST'],
      ])
    })

    it.each([301, 307, 308])('follows %i across origins without credentials', async (status) => {
      const target = await endpoint()
      const source = await endpoint(answer(status, '', { location: `${target.url}/moved` }))
      const message = actionMessage(
        source.url,
        { n: 1 },
        { method: 'PUT', headers: { Authorization: 'x', 'X-K': 'k' } },
      )
      const result = await adapter().send(message, context)
      expect(result.ok).toBe(true)
      const [moved] = target.received
      expect([moved?.method, moved?.path, moved?.body]).toEqual(['PUT', '/moved', '{"n":1}'])
      expect(moved?.headers.authorization).toBeUndefined()
      expect(moved?.headers).toMatchObject({ 'x-k': 'k', 'idempotency-key': 'msg_01TEST' })
    })

    it('refuses a second redirect', async () => {
      const server = await endpoint((request, res) => {
        answer(302, '', { location: `/hop${request.path.length}` })(request, res, undefined as never)
      })
      const result = await adapter().send(actionMessage(`${server.url}/a`, {}), context)
      expect(result).toEqual({
        ok: false,
        code: 'HTTP_302',
        retryable: false,
        httpStatus: 302,
        detail: 'too many redirects',
      })
      expect(server.received).toHaveLength(2)
    })

    it('checks the redirect target by the same rules, sending nothing there', async () => {
      const target = await endpoint()
      const userinfo = target.url.replace('http://', 'http://user:pw@')
      const toUserinfo = await endpoint(answer(307, '', { location: userinfo }))
      const toAdobe = await endpoint(answer(302, '', { location: 'https://api.adobe.io/hook' }))
      const built = adapter()
      const first = await built.send(actionMessage(toUserinfo.url, {}), context)
      const second = await built.send(actionMessage(toAdobe.url, {}), context)
      expect(first).toMatchObject({ ok: false, code: 'BLOCKED_ADDRESS', retryable: false })
      expect(second).toMatchObject({ ok: false, code: 'BLOCKED_ADDRESS', retryable: false })
      if (!second.ok) expect(second.detail).toContain('redirect target https://api.adobe.io/hook')
      expect(target.received).toHaveLength(0)
    })
  })

  describe('address rules', () => {
    it('refuses a host resolving to a forbidden address, before connecting', async () => {
      const server = await endpoint()
      const asked: string[] = []
      const lookup = async (hostname: string) => {
        asked.push(hostname)
        return [{ address: '127.0.0.1', family: 4 }]
      }
      const result = await adapter({ lookup }).send(actionMessage('http://evil.test/', {}), context)
      expect(result).toEqual({
        ok: false,
        code: 'BLOCKED_ADDRESS',
        retryable: false,
        detail: 'evil.test resolves to 127.0.0.1, a forbidden address',
      })
      expect(asked).toEqual(['evil.test'])
      expect(server.connections.total).toBe(0)
    })

    it('refuses a host when any one of its addresses is forbidden', async () => {
      const lookup = async () => [
        { address: '93.184.216.34', family: 4 },
        { address: '::ffff:10.0.0.1', family: 6 },
      ]
      const result = await adapter({ lookup }).send(actionMessage('https://mixed.test/', {}), context)
      expect(result).toMatchObject({ ok: false, code: 'BLOCKED_ADDRESS', retryable: false })
    })

    it('refuses static-rule violations without any lookup', async () => {
      const asked: string[] = []
      const lookup = async (hostname: string) => {
        asked.push(hostname)
        return [{ address: '93.184.216.34', family: 4 }]
      }
      const built = adapter({ lookup })
      for (const url of ['http://127.0.0.1/', 'https://hooks.test:8443/', 'https://[::1]/']) {
        expect(await built.send(actionMessage(url, {}), context)).toMatchObject({ code: 'BLOCKED_ADDRESS' })
      }
      expect(asked).toEqual([])
    })

    it('connects to the address the lookup returned and keeps the Host header', async () => {
      const server = await endpoint()
      const lookup = async () => [{ address: '127.0.0.1', family: 4 }]
      const url = `http://hooks.test:${server.port}/x`
      const result = await adapter({ allowPrivate: true, lookup }).send(actionMessage(url, {}), context)
      expect(result.ok).toBe(true)
      expect(server.received[0]?.headers.host).toBe(`hooks.test:${server.port}`)
    })

    it('sends the host name as TLS SNI and verifies the certificate', async () => {
      const { cert, private: key } = await generate([{ name: 'commonName', value: 'hooks.test' }], { keySize: 2048 })
      const names: string[] = []
      const tls = createTlsServer({
        cert,
        key,
        SNICallback: (name, done) => {
          names.push(name)
          done(null)
        },
      })
      tls.on('tlsClientError', () => {})
      await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve))
      cleanups.push(() => new Promise<void>((resolve) => tls.close(() => resolve())))
      const { port } = tls.address() as AddressInfo
      const lookup = async () => [{ address: '127.0.0.1', family: 4 }]
      const result = await adapter({ allowPrivate: true, lookup }).send(
        actionMessage(`https://hooks.test:${port}/`, {}),
        context,
      )
      expect(result).toMatchObject({ ok: false, code: 'NETWORK', retryable: true, ambiguous: false })
      if (!result.ok) expect(result.detail).toMatch(/SELF_SIGNED|self-signed/i)
      expect(names).toEqual(['hooks.test'])
    })
  })

  it('limits concurrent connections per origin with connectionLimitFor', async () => {
    const server = await endpoint((_r, res) => {
      setTimeout(() => res.end('ok'), 100)
    })
    const asked: string[] = []
    const built = adapter({
      allowPrivate: true,
      connectionLimitFor: (url) => {
        asked.push(url)
        return 1
      },
    })
    const results = await Promise.all(
      [1, 2, 3].map((n) => built.send(actionMessage(`${server.url}/n${n}`, { n }), context)),
    )
    expect(results.every((r) => r.ok)).toBe(true)
    expect(server.connections.peak).toBe(1)
    expect(asked).toContain(`${server.url}/n1`)
  })
})
