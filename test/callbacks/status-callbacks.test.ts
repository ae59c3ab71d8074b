import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signingSecretFor, verifyCallbackSignature } from '../../src/callbacks/callback-signature.ts'
import { startEndpoint } from '../support/http-endpoint.ts'
import { OTHER, SENDER } from '../support/test-gateway.ts'
import { eventually, startCallbackGateway, unique } from './callback-gateway.ts'

interface Received {
  id: string
  status: string
  previousStatus: string | null
  at: string
  metadata: Record<string, unknown>
  error?: { code: string }
}

describe('status callbacks', () => {
  let gw: Awaited<ReturnType<typeof startCallbackGateway>>
  let ep: Awaited<ReturnType<typeof startEndpoint>>
  beforeAll(async () => {
    ep = await startEndpoint((call) => ({ status: call.path.startsWith('/action-400') ? 400 : 200 }))
    gw = await startCallbackGateway()
  })
  afterAll(async () => {
    await gw.stop()
    await ep.close()
  })

  const received = (path: string) => ep.calls.filter((c) => c.path === path)
  const events = (path: string) => received(path).map((c) => JSON.parse(c.body) as Received)

  it('posts every status change of an action once, in order, signed with the sandbox secret', async () => {
    const cb = unique('cb')
    const r = await gw.call('POST', '/v1/messages', {
      channel: 'action',
      to: `${ep.url}${unique('action')}`,
      action: { method: 'POST', body: { hello: 'world' } },
      callbackUrl: `${ep.url}${cb}`,
      metadata: { journeyId: 'j-1' },
    })
    expect(r.status).toBe(202)
    await gw.waitFor(r.json.id, ['sent'])
    await eventually(() => received(cb).length >= 3, 10_000, 'three callbacks')
    await new Promise((resolve) => setTimeout(resolve, 100))
    const got = events(cb)
    expect(got.map((e) => [e.previousStatus, e.status])).toEqual([
      [null, 'queued'],
      ['queued', 'sending'],
      ['sending', 'sent'],
    ])
    expect(got.every((e) => e.id === r.json.id && e.metadata.journeyId === 'j-1')).toBe(true)
    const secret = (await gw.call('GET', '/v1/callbacks')).json.signingSecret
    expect(secret).toBe(signingSecretFor('sb', gw.config.AUTH_SECRET))
    for (const call of received(cb)) {
      expect(call.headers['content-type']).toBe('application/json')
      const header = call.headers['x-sendgate-signature'] as string
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
      expect(verifyCallbackSignature(header, call.body, secret)).toBe(true)
      expect(verifyCallbackSignature(header, `${call.body} `, secret)).toBe(false)
      expect(verifyCallbackSignature(header, call.body, signingSecretFor('other', gw.config.AUTH_SECRET))).toBe(false)
    }
    const m = (await gw.call('GET', `/v1/messages/${r.json.id}`)).json
    const traced = m.trace.filter((t: { step: string }) => t.step === 'callback')
    expect(traced.map((t: { decision: string; detail: { status: string } }) => [t.decision, t.detail.status])).toEqual([
      ['delivered', 'queued'],
      ['delivered', 'sending'],
      ['delivered', 'sent'],
    ])
  })

  it('reports a failure with its error code', async () => {
    const cb = unique('cb')
    const r = await gw.call('POST', '/v1/messages', {
      channel: 'action',
      to: `${ep.url}${unique('action-400')}`,
      action: { method: 'POST', body: {} },
      callbackUrl: `${ep.url}${cb}`,
    })
    await gw.waitFor(r.json.id, ['failed'])
    const last = await eventually(() => events(cb).find((e) => e.status === 'failed'), 10_000, 'failed callback')
    expect(last.error?.code).toBe('HTTP_400')
    expect(last.metadata).toEqual({})
  })

  it('uses the sandbox default for sandbox email, and only the statuses it subscribes to', async () => {
    const all = unique('default-all')
    const put = await gw.call('PUT', '/v1/callbacks', { url: `${ep.url}${all}` }, {}, OTHER)
    expect(put.status).toBe(200)
    expect(put.json).toEqual({
      url: `${ep.url}${all}`,
      signingSecret: signingSecretFor('other', gw.config.AUTH_SECRET),
    })
    const r = await gw.call('POST', '/v1/messages', email('ana@example.com'), {}, OTHER)
    await gw.waitFor(r.json.id, ['delivered'], 10_000, OTHER)
    await eventually(() => received(all).length >= 3, 10_000, 'three default callbacks')
    expect(events(all).map((e) => e.status)).toEqual(['queued', 'sending', 'delivered'])
    const secret = signingSecretFor('other', gw.config.AUTH_SECRET)
    for (const call of received(all))
      expect(verifyCallbackSignature(call.headers['x-sendgate-signature'] as string, call.body, secret)).toBe(true)

    const some = unique('default-some')
    await gw.call('PUT', '/v1/callbacks', { url: `${ep.url}${some}`, events: ['delivered', 'failed'] }, {}, OTHER)
    expect((await gw.call('GET', '/v1/callbacks', undefined, {}, OTHER)).json.events).toEqual(['delivered', 'failed'])
    const second = await gw.call('POST', '/v1/messages', email('bea@example.com'), {}, OTHER)
    await gw.waitFor(second.json.id, ['delivered'], 10_000, OTHER)
    await eventually(() => received(some).length >= 1, 10_000, 'delivered callback')
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(events(some).map((e) => [e.id, e.status])).toEqual([[second.json.id, 'delivered']])

    expect((await gw.call('DELETE', '/v1/callbacks', undefined, {}, OTHER)).status).toBe(204)
    expect((await gw.call('GET', '/v1/callbacks', undefined, {}, OTHER)).json).toEqual({ signingSecret: secret })
  })

  it('validates the default: statuses, URL rules, admin scope', async () => {
    const bad = await gw.call('PUT', '/v1/callbacks', { url: 'https://example.com/cb', events: ['bounced'] })
    expect(bad.status).toBe(400)
    expect(bad.json.errors[0].path).toMatch(/^events/)
    const userinfo = await gw.call('PUT', '/v1/callbacks', { url: 'https://u:p@example.com/cb' })
    expect(userinfo.status).toBe(400)
    expect(userinfo.json.errors[0].path).toBe('url')
    expect((await gw.call('PUT', '/v1/callbacks', { url: 'ftp://example.com/cb' })).status).toBe(400)
    expect((await gw.call('PUT', '/v1/callbacks', { url: 'https://example.com', extra: 1 })).status).toBe(400)
    expect((await gw.call('GET', '/v1/callbacks', undefined, {}, SENDER)).status).toBe(403)
    expect((await gw.call('GET', '/v1/callbacks', undefined, {}, null)).status).toBe(401)
  })
})

describe('callback URL rules without ACTIONS_ALLOW_PRIVATE', () => {
  let gw: Awaited<ReturnType<typeof startCallbackGateway>>
  beforeAll(async () => {
    gw = await startCallbackGateway({ ACTIONS_ALLOW_PRIVATE: 'false' })
  })
  afterAll(async () => {
    await gw.stop()
  })

  it('refuses a callbackUrl at 127.0.0.1 with 400 and stores nothing', async () => {
    const r = await gw.call('POST', '/v1/messages', {
      ...email('ana@example.com'),
      callbackUrl: 'http://127.0.0.1:9/cb',
    })
    expect(r.status).toBe(400)
    expect(r.json.code).toBe('VALIDATION')
    expect(r.json.errors.map((e: { path: string }) => e.path)).toContain('callbackUrl')
    expect((await gw.call('GET', '/v1/messages')).json.items).toHaveLength(0)
  })

  it('refuses the same URL as the sandbox default', async () => {
    const r = await gw.call('PUT', '/v1/callbacks', { url: 'http://127.0.0.1:9/cb' })
    expect(r.status).toBe(400)
    expect((await gw.call('GET', '/v1/callbacks')).json.url).toBeUndefined()
  })
})

function email(to: string) {
  return { channel: 'email', to, content: { subject: 'Hi', text: 'Hello' } }
}
