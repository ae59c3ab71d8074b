import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBridgeGateway } from './bridge-gateway.ts'

const MAX = 2 ** 53 - 1
const inHour = (h: number) => new Date(Date.now() + h * 3600_000).toISOString()

/** Both stores: events live in the idempotency store, whose semantics both share (a database of its own on Redis). */
const stores: [string, Record<string, string>][] = [
  ['memory', {}],
  ['redis', { STORE: 'redis', REDIS_URL: 'redis://127.0.0.1:6379/11' }],
]

describe.each(stores)('Message Center REST (%s store)', (_store, env) => {
  let gw: Awaited<ReturnType<typeof startBridgeGateway>>
  beforeAll(async () => {
    gw = await startBridgeGateway(env)
  })
  afterAll(() => gw.stop())

  it('answers 201 pending on the v1 path, then the event is processed', async () => {
    const r = await gw.call('POST', '/v1/campaign/EVTaccEvent', {
      email: 'rest1@example.com',
      ctx: { firstName: 'Rita', code: 'R1' },
    })
    expect(r.status).toBe(201)
    expect(r.json).toEqual({
      PKey: expect.any(String),
      href: `/v1/campaign/EVTaccEvent/${r.json.PKey}`,
      status: 'pending',
    })
    expect(Number(r.json.PKey)).toBeGreaterThan(0)
    expect(Number(r.json.PKey)).toBeLessThanOrEqual(MAX)
    const ev = await gw.eventStatus(r.json.href, ['processed'])
    expect(ev).toMatchObject({ PKey: r.json.PKey, eventId: 'EVTaccEvent', channel: 'email', template: 'acc-event' })
    const entry = await gw.outboxEntry('rest1@example.com')
    expect(entry.rendered.text).toBe('Hello Rita [R1]')
  })

  it('serves the Adobe path with the same handler: href <api>/<eventId>/<PKey>', async () => {
    const r = await gw.call('POST', '/myorg/campaign/mcMyOrg/EVTaccEvent', {
      email: 'adobe@example.com',
      ctx: { firstName: 'Ad', code: 'A1' },
    })
    expect(r.status).toBe(201)
    expect(r.json.href).toBe(`mcMyOrg/EVTaccEvent/${r.json.PKey}`)
    const ev = await gw.eventStatus(`/myorg/campaign/mcMyOrg/EVTaccEvent/${r.json.PKey}`, ['processed'])
    expect(ev.href).toBe(r.json.href)
    const v1 = await gw.call('GET', `/v1/campaign/EVTaccEvent/${r.json.PKey}`)
    expect(v1.json.status).toBe('processed')
  })

  it('stays pending while scheduled in the future (dates with a space are accepted)', async () => {
    const at = inHour(2).replace('T', ' ')
    const r = await gw.call('POST', '/v1/campaign/EVTaccEvent', {
      email: 'later@example.com',
      ctx: { firstName: 'L', code: '1' },
      scheduled: at,
    })
    expect(r.status).toBe(201)
    await new Promise((res) => setTimeout(res, 100))
    expect((await gw.call('GET', r.json.href)).json.status).toBe('pending')
  })

  it('routes only-mobilePhone to SMS and both addresses to email; wishedChannel as a string', async () => {
    const sms = await gw.call('POST', '/v1/campaign/EVTaccEvent', {
      mobilePhone: '+14155550111',
      ctx: { firstName: 'S', code: '2' },
    })
    expect((await gw.eventStatus(sms.json.href, ['processed'])).channel).toBe('sms')
    expect((await gw.outboxEntry('+14155550111')).rendered.body).toBe('Hello S [2]')

    const both = await gw.call('POST', '/v1/campaign/EVTaccEvent', {
      email: 'both@example.com',
      mobilePhone: '+14155550112',
      ctx: { firstName: 'B', code: '3' },
    })
    expect((await gw.eventStatus(both.json.href, ['processed'])).channel).toBe('email')

    const wished = await gw.call('POST', '/v1/campaign/EVTaccEvent', {
      email: 'w@example.com',
      mobilePhone: '+14155550113',
      wishedChannel: '1',
      ctx: { firstName: 'W', code: '4' },
    })
    expect((await gw.eventStatus(wished.json.href, ['processed'])).channel).toBe('sms')
  })

  it('records tooOld, routingFailed, ignored and targetingFailed', async () => {
    const old = await gw.call('POST', '/v1/campaign/EVTaccEvent', {
      email: 'old@example.com',
      ctx: { firstName: 'O', code: '5' },
      expiration: inHour(-1).replace('T', ' '),
    })
    expect(old.status).toBe(201)
    expect((await gw.call('GET', old.json.href)).json.status).toBe('tooOld')

    const unknown = await gw.call('POST', '/v1/campaign/EVTnoSuchTemplate', { email: 'route@example.com', ctx: {} })
    expect(unknown.status).toBe(201)
    expect((await gw.call('GET', unknown.json.href)).json.status).toBe('routingFailed')

    await gw.gateway.deps.store.suppression.add('sb', [
      {
        type: 'email',
        value: 'blocked@example.com',
        reason: 'manual',
        source: 'test',
        createdAt: new Date().toISOString(),
      },
    ])
    const blocked = await gw.call('POST', '/v1/campaign/EVTaccEvent', {
      email: 'Blocked@example.com',
      ctx: { firstName: 'X', code: '6' },
    })
    expect(blocked.status).toBe(201)
    expect((await gw.eventStatus(blocked.json.href, ['ignored'])).status).toBe('ignored')

    const nobody = await gw.call('POST', '/v1/campaign/EVTaccEvent', { ctx: { firstName: 'N', code: '7' } })
    expect(nobody.status).toBe(201)
    expect((await gw.call('GET', nobody.json.href)).json.status).toBe('targetingFailed')

    const missingVar = await gw.call('POST', '/v1/campaign/EVTaccEvent', {
      email: 'mv@example.com',
      ctx: { firstName: 'N' },
    })
    expect((await gw.call('GET', missingVar.json.href)).json.status).toBe('deliveryFailed')
  })

  it('finds the template by the kebab-case form of the eventId', async () => {
    const r = await gw.call('POST', '/v1/campaign/EVTcartAbandonment', {
      email: 'cart@example.com',
      ctx: { firstName: 'C', cartUrl: 'https://shop.example.com/cart' },
    })
    expect(r.status).toBe(201)
    expect((await gw.eventStatus(r.json.href, ['processed'])).template).toBe('cart-abandonment')
  })

  it('answers 400 problem+json for malformed input on both paths', async () => {
    for (const prefix of ['/v1/campaign', '/o/campaign/api']) {
      const badJson = await gw.call('POST', `${prefix}/EVTaccEvent`, '{"ctx":', { 'content-type': 'application/json' })
      expect(badJson.status).toBe(400)
      expect(badJson.headers.get('content-type')).toContain('application/problem+json')
      const badEmail = await gw.call('POST', `${prefix}/EVTaccEvent`, { email: 'not-an-email', ctx: {} })
      expect(badEmail.status).toBe(400)
      expect(badEmail.json.errors[0].path).toBe('email')
      const noCtx = await gw.call('POST', `${prefix}/EVTaccEvent`, { email: 'a@example.com' })
      expect(noCtx.status).toBe(400)
      expect(noCtx.json.errors[0].path).toBe('ctx')
      const badId = await gw.call('POST', `${prefix}/cartAbandonment`, { email: 'a@example.com', ctx: {} })
      expect(badId.status).toBe(400)
      const badDate = await gw.call('POST', `${prefix}/EVTaccEvent`, {
        email: 'a@example.com',
        ctx: {},
        scheduled: 'tomorrow',
      })
      expect(badDate.status).toBe(400)
      const hugeCtx = await gw.call('POST', `${prefix}/EVTaccEvent`, {
        email: 'a@example.com',
        ctx: { firstName: 'x'.repeat(201 * 1024), code: '1' },
      })
      expect(hugeCtx.status).toBe(400)
      expect(hugeCtx.json.errors[0].path).toBe('ctx')
      const noKey = await gw.call('POST', `${prefix}/EVTaccEvent`, { email: 'a@example.com', ctx: {} }, {}, null)
      expect(noKey.status).toBe(401)
    }
    expect((await gw.call('GET', '/v1/messages?to=a@example.com')).json.items).toHaveLength(0)
  })

  it('answers 404 for an unknown PKey, another event type or another sandbox', async () => {
    const r = await gw.call('POST', '/v1/campaign/EVTaccEvent', {
      email: 'mine@example.com',
      ctx: { firstName: 'M', code: '8' },
    })
    expect((await gw.call('GET', '/v1/campaign/EVTaccEvent/12345')).status).toBe(404)
    expect((await gw.call('GET', '/v1/campaign/EVTaccEvent/not-a-pkey')).status).toBe(404)
    expect((await gw.call('GET', `/v1/campaign/EVTother/${r.json.PKey}`)).status).toBe(404)
    expect((await gw.call('GET', r.json.href, undefined, {}, 'other-admin')).status).toBe(404)
  })
})
