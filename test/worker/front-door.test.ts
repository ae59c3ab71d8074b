import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load-config.ts'
import { createLogger } from '../../src/observability/logger.ts'
import { buildGateway, type Gateway } from '../../src/server.ts'
import { freePort, type OwnRedis, startRedis } from '../store/redis-harness.ts'
import { startEndpoint } from '../support/http-endpoint.ts'
import { type RunningProcess, startNodeServer, startWranglerDev } from './worker-harness.ts'

/** One configuration for the Worker, the Node dispatcher and the Node reference server. */
const shared = {
  NODE_ENV: 'test',
  API_KEYS: 'test-admin:sb:send+admin,test-send:sb:send,other-admin:other:send+admin',
  OAUTH_CLIENTS: 'client-1:secret-1:sb:send',
  AUTH_SECRET: 'test-secret-0123456789abcdef',
  ACTIONS_ALLOW_PRIVATE: 'true',
  RETRY_BASE_MS: '20',
  LOG_LEVEL: 'silent',
}

interface Answer {
  /** The X-Request-Id the call carried (each call its own), which problem bodies echo. */
  requestId: string
  status: number
  headers: Headers
  text: string
  // biome-ignore lint/suspicious/noExplicitAny: response JSON of any shape
  json: any
}

type Entry = (
  method: string,
  path: string,
  init?: { body?: string; headers?: Record<string, string> },
) => Promise<Answer>

async function answerOf(res: Response, requestId: string): Promise<Answer> {
  const text = await res.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { requestId, status: res.status, headers: res.headers, text, json }
}

let calls = 0
/** Headers of one call, with a request id of its own so that a body's echo of it can be told apart. */
function withRequestId(entry: string, headers: Record<string, string> = {}) {
  const requestId = `${entry}-${++calls}`
  return { requestId, headers: { 'x-request-id': requestId, ...headers } }
}

/** Drops this answer's own request id (problem bodies, batch items): the one thing the entries may differ in. */
function withoutRequestId(value: unknown, id: string | null): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutRequestId(v, id))
  if (!value || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k, v]) => !(k === 'requestId' && v === id))
      .map(([k, v]) => [k, withoutRequestId(v, id)]),
  )
}

/** The parts of an answer both entries must agree on: status, content type, chosen headers, body without requestId. */
function comparable(answer: Answer) {
  const body = withoutRequestId(answer.json, answer.requestId)
  return {
    status: answer.status,
    contentType: answer.headers.get('content-type'),
    wwwAuthenticate: answer.headers.get('www-authenticate'),
    retryAfter: answer.headers.get('retry-after'),
    preferenceApplied: answer.headers.get('preference-applied'),
    body: answer.json === undefined ? answer.text : body,
  }
}

const json = (value: unknown) => JSON.stringify(value)
const bearer = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' })
const order = { firstName: 'Ana', orderId: 'A-1', total: '42.00' }

/** The same request/response cases, run against both entries (SPEC sections 2-4, 10). */
const cases: {
  name: string
  status: number
  method: string
  path: string
  body?: string
  headers?: Record<string, string>
}[] = [
  {
    name: 'no credentials',
    status: 401,
    method: 'POST',
    path: '/v1/messages',
    body: json({}),
    headers: { 'content-type': 'application/json' },
  },
  { name: 'unknown key', status: 401, method: 'POST', path: '/v1/messages', body: json({}), headers: bearer('nope') },
  {
    name: 'bad Basic credentials',
    status: 401,
    method: 'GET',
    path: '/v1/messages/msg_x',
    headers: { authorization: `Basic ${Buffer.from('nope:').toString('base64')}` },
  },
  {
    name: 'malformed bearer token',
    status: 401,
    method: 'POST',
    path: '/v1/messages/batch',
    body: json({}),
    headers: bearer('a.b.c'),
  },
  {
    name: 'unsupported media type',
    status: 415,
    method: 'POST',
    path: '/v1/messages',
    body: 'channel=email',
    headers: { authorization: 'Bearer test-send', 'content-type': 'text/plain' },
  },
  {
    name: 'malformed JSON',
    status: 400,
    method: 'POST',
    path: '/v1/messages',
    body: '{"channel":',
    headers: bearer('test-send'),
  },
  {
    name: 'empty object',
    status: 400,
    method: 'POST',
    path: '/v1/messages',
    body: json({}),
    headers: bearer('test-send'),
  },
  {
    name: 'invalid email',
    status: 400,
    method: 'POST',
    path: '/v1/messages',
    body: json({ channel: 'email', to: 'not-an-email', content: { subject: 's', text: 't' } }),
    headers: bearer('test-send'),
  },
  {
    name: 'template and content together',
    status: 400,
    method: 'POST',
    path: '/v1/messages',
    body: json({
      channel: 'sms',
      to: '+15555550100',
      template: 'order-confirmation',
      content: { body: 'x' },
      data: order,
    }),
    headers: bearer('test-send'),
  },
  {
    name: 'from outside EMAIL_FROM_DOMAINS',
    status: 400,
    method: 'POST',
    path: '/v1/messages',
    body: json({ channel: 'email', to: 'a@example.com', from: 'x@evil.example', content: { subject: 's', text: 't' } }),
    headers: bearer('test-send'),
  },
  {
    name: 'unknown template',
    status: 422,
    method: 'POST',
    path: '/v1/messages',
    body: json({ channel: 'email', to: 'a@example.com', template: 'no-such-template', data: {} }),
    headers: bearer('test-send'),
  },
  {
    name: 'missing required data',
    status: 422,
    method: 'POST',
    path: '/v1/messages',
    body: json({ channel: 'sms', to: '+15555550100', template: 'order-confirmation', data: { firstName: 'Ana' } }),
    headers: bearer('test-send'),
  },
  {
    name: 'missing variable inside the template',
    status: 422,
    method: 'POST',
    path: '/v1/messages',
    body: json({
      channel: 'email',
      to: 'a@example.com',
      template: 'order-confirmation',
      data: { ...order, items: [{}] },
    }),
    headers: bearer('test-send'),
  },
  {
    name: 'channel the template lacks',
    status: 422,
    method: 'POST',
    path: '/v1/messages',
    body: json({ channel: 'push', to: { token: 't', platform: 'fcm' }, template: 'password-reset', data: {} }),
    headers: bearer('test-send'),
  },
  {
    name: 'SMS over the content limit',
    status: 422,
    method: 'POST',
    path: '/v1/messages',
    body: json({ channel: 'sms', to: '+15555550100', content: { body: 'x'.repeat(1601) } }),
    headers: bearer('test-send'),
  },
  {
    name: 'batch with a bad item',
    status: 200,
    method: 'POST',
    path: '/v1/messages/batch',
    body: json({ messages: [{ channel: 'email', to: 'bad', content: { subject: 's', text: 't' } }] }),
    headers: bearer('test-send'),
  },
  {
    name: 'empty batch',
    status: 400,
    method: 'POST',
    path: '/v1/messages/batch',
    body: json({ messages: [] }),
    headers: bearer('test-send'),
  },
  {
    name: 'unknown message',
    status: 404,
    method: 'GET',
    path: '/v1/messages/msg_doesnotexist',
    headers: bearer('test-send'),
  },
  { name: 'unknown route', status: 404, method: 'GET', path: '/v1/nothing-here', headers: bearer('test-send') },
  {
    name: 'AJO execution without credentials',
    status: 401,
    method: 'POST',
    path: '/ajo/im/executions/unitary',
    body: json({ requestId: 'r-1', campaignId: 'ajo-offer', recipients: [] }),
    headers: { 'content-type': 'application/json' },
  },
  {
    name: 'AJO execution with no recipients',
    status: 400,
    method: 'POST',
    path: '/ajo/im/executions/unitary',
    body: json({ requestId: 'r-2', campaignId: 'ajo-offer', recipients: [] }),
    headers: bearer('test-send'),
  },
  {
    name: 'Campaign REST with a bad eventId',
    status: 400,
    method: 'POST',
    path: '/v1/campaign/notAnEvent',
    body: json({ email: 'a@example.com', ctx: {} }),
    headers: bearer('test-send'),
  },
  {
    name: 'Campaign SOAP with bad credentials',
    status: 500,
    method: 'POST',
    path: '/nl/jsp/soaprouter.jsp',
    body: '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:nms:rtEvent"><soapenv:Body><urn:PushEvent><urn:sessiontoken>nope/</urn:sessiontoken><urn:domEvent><rtEvent type="x" email="a@example.com"/></urn:domEvent></urn:PushEvent></soapenv:Body></soapenv:Envelope>',
    headers: { 'content-type': 'text/xml', soapaction: 'nms:rtEvent#PushEvent' },
  },
  {
    name: 'OAuth token with a wrong secret',
    status: 401,
    method: 'POST',
    path: '/oauth/token',
    body: 'grant_type=client_credentials&client_id=client-1&client_secret=wrong',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  },
]

describe('Cloudflare Worker front door (wrangler dev) beside a Node dispatcher', () => {
  let redis: OwnRedis
  let worker: RunningProcess
  let dispatcher: RunningProcess
  let reference: Gateway
  let endpoint: Awaited<ReturnType<typeof startEndpoint>>
  let viaWorker: Entry
  let viaNode: Entry

  beforeAll(async () => {
    redis = await startRedis()
    endpoint = await startEndpoint()
    const env = { ...shared, STORE: 'redis', REDIS_URL: redis.url }
    const workerVars = { ...shared, REDIS_URL: redis.url }
    ;[worker, dispatcher] = await Promise.all([
      startWranglerDev(workerVars),
      startNodeServer({ ...env, ROLE: 'dispatcher' }),
    ])
    // The Node reference answers through the same app `npm start` serves, with ROLE=api like the Worker.
    reference = await buildGateway(loadConfig({ ...env, ROLE: 'api' }), { logger: createLogger({ level: 'silent' }) })
    viaWorker = async (method, path, init = {}) => {
      const { requestId, headers } = withRequestId('edge', init.headers)
      return answerOf(await fetch(`${worker.url}${path}`, { method, headers, body: init.body }), requestId)
    }
    viaNode = async (method, path, init = {}) => {
      const { requestId, headers } = withRequestId('node', init.headers)
      return answerOf(await reference.app.request(path, { method, headers, body: init.body }), requestId)
    }
  }, 180_000)

  afterAll(async () => {
    await Promise.allSettled([worker?.stop(), dispatcher?.stop(), reference?.stop(), endpoint?.close()])
    await redis?.stop()
  }, 60_000)

  it('answers health and readiness on the shared Redis', async () => {
    expect((await viaWorker('GET', '/healthz')).json).toEqual({ status: 'ok' })
    expect((await viaWorker('GET', '/readyz')).json).toEqual({ status: 'ready', store: 'redis' })
  })

  it('accepts with 202, a Node dispatcher delivers, and the Worker reads the outcome', async () => {
    const accepted = await viaWorker('POST', '/v1/messages', {
      body: json({
        channel: 'action',
        to: `${endpoint.url}/hook`,
        action: { method: 'POST', body: { hello: 'edge' } },
      }),
      headers: bearer('test-send'),
    })
    expect(accepted.status, accepted.text).toBe(202)
    expect(accepted.json).toMatchObject({ status: 'queued' })
    const id = accepted.json.id as string

    const until = Date.now() + 30_000
    let view = (await viaWorker('GET', `/v1/messages/${id}`, { headers: bearer('test-send') })).json
    while (view?.status !== 'sent' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100))
      view = (await viaWorker('GET', `/v1/messages/${id}`, { headers: bearer('test-send') })).json
    }
    expect(view, JSON.stringify(view)).toMatchObject({ id, channel: 'action', status: 'sent' })
    expect(view.attempts).toHaveLength(1)
    expect(endpoint.calls.filter((c) => c.path === '/hook').map((c) => JSON.parse(c.body))).toEqual([{ hello: 'edge' }])
    // The Node side reads the same record, and another sandbox cannot see it through either entry.
    expect((await viaNode('GET', `/v1/messages/${id}`, { headers: bearer('test-send') })).json).toEqual(view)
    for (const entry of [viaWorker, viaNode])
      expect((await entry('GET', `/v1/messages/${id}`, { headers: bearer('other-admin') })).status).toBe(404)
  })

  it('keeps concurrent requests apart: each on its own connection, every one accepted once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        viaWorker('POST', '/v1/messages', {
          body: json({ channel: 'sms', to: `+1555555${String(1000 + i)}`, content: { body: `n${i}` } }),
          headers: bearer('test-send'),
        }),
      ),
    )
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 202))
    const ids = new Set(answers.map((a) => a.json.id as string))
    expect(ids.size).toBe(20)
    const views = await Promise.all(
      [...ids].map((id) => viaWorker('GET', `/v1/messages/${id}`, { headers: bearer('test-send') })),
    )
    expect(views.map((v) => v.status)).toEqual(views.map(() => 200))
  })

  it('answers Prefer: wait with 202 and no Preference-Applied, as a Node ROLE=api process does', async () => {
    for (const entry of [viaWorker, viaNode]) {
      const answer = await entry('POST', '/v1/messages', {
        body: json({
          channel: 'sms',
          to: '+15555550100',
          template: 'password-reset',
          data: { resetUrl: 'https://e.x/r' },
        }),
        headers: { ...bearer('test-send'), prefer: 'wait=5' },
      })
      expect(answer.status, answer.text).toBe(202)
      expect(answer.headers.get('preference-applied')).toBeNull()
      expect(answer.json).toMatchObject({ status: 'queued', segments: 1, encoding: 'GSM-7' })
    }
  })

  it('replays an Idempotency-Key across entries: one message, the same answer, a mismatch refused alike', async () => {
    const body = json({
      channel: 'email',
      to: 'Idem@Example.com',
      template: 'password-reset',
      data: { resetUrl: 'https://e.x' },
    })
    const headers = { ...bearer('test-send'), 'idempotency-key': `k-${Date.now()}` }
    const first = await viaWorker('POST', '/v1/messages', { body, headers })
    expect(first.status).toBe(202)
    const again = await viaNode('POST', '/v1/messages', { body, headers })
    expect(again.status).toBe(202)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(again.json).toEqual(first.json)
    const other = json({ channel: 'email', to: 'idem@example.com', content: { subject: 's', text: 't' } })
    const [a, b] = [
      await viaWorker('POST', '/v1/messages', { body: other, headers }),
      await viaNode('POST', '/v1/messages', { body: other, headers }),
    ]
    expect(comparable(a)).toEqual(comparable(b))
    expect(a.status).toBe(422)
  })

  it.each(cases)(
    'answers $name ($status) exactly as the Node server does',
    async ({ status, method, path, body, headers }) => {
      const [edge, node] = await Promise.all([
        viaWorker(method, path, { body, headers }),
        viaNode(method, path, { body, headers }),
      ])
      expect(edge.status, edge.text).toBe(status)
      expect(comparable(edge)).toEqual(comparable(node))
    },
  )
})

describe('Cloudflare Worker front door without its Redis', () => {
  let worker: RunningProcess

  beforeAll(async () => {
    // A port nothing listens on: every store call fails the way a Redis outage does.
    worker = await startWranglerDev({
      ...shared,
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      REDIS_TIMEOUT_MS: '300',
    })
  }, 180_000)
  afterAll(() => worker?.stop(), 60_000)

  it('stays healthy, is not ready, and refuses intake with 503 STORE_UNAVAILABLE rather than hanging', async () => {
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200)
    expect((await fetch(`${worker.url}/readyz`)).status).toBe(503)
    const started = Date.now()
    const res = await fetch(`${worker.url}/v1/messages`, {
      method: 'POST',
      headers: bearer('test-send'),
      body: json({ channel: 'sms', to: '+15555550100', content: { body: 'hello' } }),
    })
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ code: 'STORE_UNAVAILABLE' })
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('still refuses bad credentials and bad input without touching the store', async () => {
    expect(
      (await fetch(`${worker.url}/v1/messages`, { method: 'POST', headers: bearer('nope'), body: '{}' })).status,
    ).toBe(401)
    const invalid = await fetch(`${worker.url}/v1/messages`, {
      method: 'POST',
      headers: bearer('test-send'),
      body: '{}',
    })
    expect(invalid.status).toBe(400)
  })
})
