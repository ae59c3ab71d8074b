import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, OTHER, SENDER, startTestGateway } from '../support/test-gateway.ts'

const email = (to = 'ana@example.com') => ({
  channel: 'email',
  to,
  content: { subject: 'Hi', text: 'Hello' },
})

describe('authentication and tenancy', () => {
  let gw: Awaited<ReturnType<typeof startTestGateway>>
  beforeAll(async () => {
    gw = await startTestGateway()
  })
  afterAll(() => gw.stop())

  it('answers 401 problem+json without a key and with a wrong key, storing nothing', async () => {
    for (const key of [null, 'wrong-key']) {
      const r = await gw.call('POST', '/v1/messages', email('nokey@example.com'), {}, key)
      expect(r.status).toBe(401)
      expect(r.headers.get('content-type')).toContain('application/problem+json')
      expect(r.json.code).toBe('UNAUTHORIZED')
    }
    const list = await gw.call('GET', '/v1/messages?to=nokey@example.com')
    expect(list.json.items).toHaveLength(0)
  })

  it('accepts the key as Basic user or password', async () => {
    const asUser = Buffer.from(`${ADMIN}:`).toString('base64')
    const asPassword = Buffer.from(`x:${ADMIN}`).toString('base64')
    for (const basic of [asUser, asPassword]) {
      const r = await gw.call('POST', '/v1/messages', email(), { authorization: `Basic ${basic}` }, null)
      expect(r.status).toBe(202)
    }
  })

  it('answers 403 FORBIDDEN when the key lacks the scope', async () => {
    const r = await gw.call('GET', '/v1/suppressions', undefined, {}, SENDER)
    expect(r.status).toBe(403)
    expect(r.json.code).toBe('FORBIDDEN')
    const sendOnly = await gw.call('POST', '/v1/messages', email(), {}, SENDER)
    expect(sendOnly.status).toBe(202)
  })

  it('never shows one sandbox another sandbox’s messages', async () => {
    const r = await gw.call('POST', '/v1/messages', email('dora@example.com'))
    const own = await gw.call('GET', `/v1/messages/${r.json.id}`)
    expect(own.status).toBe(200)
    const other = await gw.call('GET', `/v1/messages/${r.json.id}`, undefined, {}, OTHER)
    expect(other.status).toBe(404)
    expect(other.json.code).toBe('NOT_FOUND')
    const otherList = await gw.call('GET', '/v1/messages', undefined, {}, OTHER)
    expect(otherList.json.items.map((m: { id: string }) => m.id)).not.toContain(r.json.id)
    const cancel = await gw.call('POST', `/v1/messages/${r.json.id}/cancel`, undefined, {}, OTHER)
    expect(cancel.status).toBe(404)
  })

  it('issues OAuth2 client-credentials tokens that authenticate like keys', async () => {
    const basic = Buffer.from('client-1:secret-1').toString('base64')
    const res = await gw.gateway.app.request('/oauth/token', {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    })
    expect(res.status).toBe(200)
    const token = (await res.json()) as { access_token: string; token_type: string; expires_in: number }
    expect(token.token_type).toBe('Bearer')
    expect(token.expires_in).toBe(3600)
    const r = await gw.call('POST', '/v1/messages', email(), {}, token.access_token)
    expect(r.status).toBe(202)

    const bad = await gw.gateway.app.request('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=client-1&client_secret=nope',
    })
    expect(bad.status).toBe(401)
    expect(await bad.json()).toMatchObject({ error: 'invalid_client' })
  })
})
