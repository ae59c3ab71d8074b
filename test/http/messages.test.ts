import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGateway, TESTER } from '../support/test-gateway.ts'

const order = (to = 'ana@example.com', extra: Record<string, unknown> = {}) => ({
  channel: 'email',
  to,
  template: 'order-confirmation',
  data: { firstName: 'Ana', orderId: 'A-1', total: '42.00' },
  ...extra,
})

describe('POST /v1/messages', () => {
  let gw: Awaited<ReturnType<typeof startTestGateway>>
  beforeAll(async () => {
    gw = await startTestGateway()
  })
  afterAll(() => gw.stop())

  it('queues, delivers through the sandbox, keeps the trace and the rendered outbox entry', async () => {
    const r = await gw.call('POST', '/v1/messages', order('Ana.Core@Example.com '))
    expect(r.status).toBe(202)
    expect(r.json).toMatchObject({ status: 'queued' })
    const m = await gw.waitFor(r.json.id, ['delivered'])
    expect(m.to).toBe('a***@example.com')
    expect(m.trace.map((t: { step: string }) => t.step)).toEqual(
      expect.arrayContaining(['validate', 'render', 'queue', 'dispatch']),
    )
    expect(m.attempts).toHaveLength(1)
    const outbox = await gw.call('GET', '/v1/outbox?to=ana.core@example.com')
    expect(outbox.json.items[0].rendered.html).toContain('A-1')
  })

  it('answers malformed JSON with 400, a wrong content type with 415 and a huge body with 413', async () => {
    const bad = await gw.call('POST', '/v1/messages', '{"channel": "email", ', { 'content-type': 'application/json' })
    expect(bad.status).toBe(400)
    expect(bad.json.code).toBe('VALIDATION')
    expect(bad.headers.get('content-type')).toContain('application/problem+json')
    const text = await gw.call('POST', '/v1/messages', 'hello', { 'content-type': 'text/plain' })
    expect(text.status).toBe(415)
    expect(text.json.code).toBe('UNSUPPORTED_MEDIA_TYPE')
    const huge = await gw.call(
      'POST',
      '/v1/messages',
      JSON.stringify({ ...order(), data: { x: 'a'.repeat(1_100_000) } }),
    )
    expect(huge.status).toBe(413)
    expect(huge.json.code).toBe('PAYLOAD_TOO_LARGE')
  })

  it('lists each field problem with its dotted path', async () => {
    const r = await gw.call('POST', '/v1/messages', {
      to: 'ana@example.com',
      template: 'order-confirmation',
      priority: 'urgent',
    })
    expect(r.status).toBe(400)
    const paths = r.json.errors.map((e: { path: string }) => e.path)
    expect(paths).toEqual(expect.arrayContaining(['channel', 'priority']))
    const phone = await gw.call('POST', '/v1/messages', { channel: 'sms', to: '12', content: { body: 'x' } })
    expect(phone.status).toBe(400)
    expect(phone.json.errors[0].path).toBe('to')
  })

  it('answers 422 TEMPLATE_ERROR naming an unknown template or a missing variable, leaving nothing behind', async () => {
    const unknown = await gw.call('POST', '/v1/messages', order('t422@example.com', { template: 'no-such-template' }))
    expect(unknown.status).toBe(422)
    expect(unknown.json.code).toBe('TEMPLATE_ERROR')
    expect(unknown.json.detail).toContain('no-such-template')
    const missing = await gw.call(
      'POST',
      '/v1/messages',
      order('t422@example.com', { data: { firstName: 'Ana', total: '1' } }),
    )
    expect(missing.status).toBe(422)
    expect(missing.json.detail).toContain('orderId')
    const list = await gw.call('GET', '/v1/messages?to=t422@example.com')
    expect(list.json.items).toHaveLength(0)
  })

  it('replays an Idempotency-Key, refuses a different body with 422, and makes one message from 50 concurrent duplicates', async () => {
    const key = `idem-${Date.now()}`
    const a = await gw.call('POST', '/v1/messages', order(), { 'idempotency-key': key })
    const b = await gw.call('POST', '/v1/messages', order(), { 'idempotency-key': key })
    expect(a.status).toBe(202)
    expect(b.status).toBe(202)
    expect(b.json.id).toBe(a.json.id)
    expect(b.headers.get('idempotent-replayed')).toBe('true')
    const c = await gw.call('POST', '/v1/messages', order('bob@example.com'), { 'idempotency-key': key })
    expect(c.status).toBe(422)
    expect(c.json.code).toBe('IDEMPOTENCY_MISMATCH')

    const burstKey = `burst-${Date.now()}`
    const to = `burst-${Date.now()}@example.com`
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => gw.call('POST', '/v1/messages', order(to), { 'idempotency-key': burstKey })),
    )
    expect(new Set(answers.map((r) => r.json.id)).size).toBe(1)
    expect(answers.every((r) => r.status === 202)).toBe(true)
    const list = await gw.call('GET', `/v1/messages?to=${to}`)
    expect(list.json.items).toHaveLength(1)
  })

  it('judges each batch item alone', async () => {
    const r = await gw.call('POST', '/v1/messages/batch', {
      messages: [order('e1@example.com'), { channel: 'email' }, order('e2@example.com', { idempotencyKey: 'batch-1' })],
    })
    expect(r.status).toBe(200)
    const [first, second, third] = r.json.results
    expect(first).toMatchObject({ index: 0, status: 'queued' })
    expect(second).toMatchObject({ index: 1, status: 'rejected' })
    expect(second.error.code).toBe('VALIDATION')
    expect(third.id).toBeTruthy()
  })

  it('cancels a scheduled message and refuses to cancel a delivered one', async () => {
    const later = new Date(Date.now() + 3_600_000).toISOString()
    const r = await gw.call('POST', '/v1/messages', order('later@example.com', { sendAt: later }))
    const cancel = await gw.call('POST', `/v1/messages/${r.json.id}/cancel`)
    expect(cancel.status).toBe(200)
    expect(cancel.json.status).toBe('canceled')
    const now = await gw.call('POST', '/v1/messages', order('now@example.com'))
    await gw.waitFor(now.json.id, ['delivered'])
    const late = await gw.call('POST', `/v1/messages/${now.json.id}/cancel`)
    expect(late.status).toBe(409)
  })

  it('keeps test-key traffic in its own sandbox', async () => {
    const r = await gw.call('POST', '/v1/messages', order('tester@example.com'), {}, TESTER)
    expect(r.status).toBe(202)
    const own = await gw.call('GET', `/v1/messages/${r.json.id}`, undefined, {}, TESTER)
    expect(own.status).toBe(200)
    const live = await gw.call('GET', `/v1/messages/${r.json.id}`)
    expect(live.status).toBe(404)
  })

  it('serves an OpenAPI 3.1 document generated from the validating schemas', async () => {
    const r = await gw.call('GET', '/openapi.json', undefined, {}, null)
    expect(r.json.openapi).toMatch(/^3\.1/)
    expect(r.json.paths['/v1/messages'].post).toBeTruthy()
    expect(JSON.stringify(r.json.components)).toContain('MessageRequest')
  })
})
