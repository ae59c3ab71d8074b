import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  signUnsubscribeToken,
  unsubscribeUrlBuilder,
  verifyUnsubscribeToken,
} from '../../../src/suppression/unsubscribe-token.ts'
import { startTestGateway } from '../../support/test-gateway.ts'
import { emailMessage } from './email-message.ts'

const SECRET = 'test-secret-0123456789abcdef'
const subject = { sandbox: 'sb', channel: 'email' as const, address: 'ana@example.org' }

describe('unsubscribe tokens', () => {
  it('verify what was signed with the same secret', () => {
    const token = signUnsubscribeToken(subject, SECRET)
    expect(token).toMatch(/^[\w-]+\.[\w-]+$/)
    expect(verifyUnsubscribeToken(token, SECRET)).toEqual(subject)
  })

  it('refuse altered, truncated or foreign tokens', () => {
    const token = signUnsubscribeToken(subject, SECRET)
    const [payload, signature] = token.split('.') as [string, string]
    const otherPayload = Buffer.from(JSON.stringify({ s: 'other', c: 'email', a: 'ana@example.org' })).toString(
      'base64url',
    )
    const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A')
    for (const bad of [`${otherPayload}.${signature}`, `${payload}.${flipped}`, payload, `${token}.x`, '', '.']) {
      expect(verifyUnsubscribeToken(bad, SECRET)).toBeNull()
    }
    expect(verifyUnsubscribeToken(token, 'another-secret-0123456789')).toBeNull()
  })

  it('build PUBLIC_URL links for email messages only', () => {
    const url = unsubscribeUrlBuilder({ publicUrl: 'https://gw.example.com/', secret: SECRET })
    const link = url(emailMessage({ to: 'ana@example.org' }))
    expect(link).toMatch(/^https:\/\/gw\.example\.com\/v1\/unsubscribe\/[\w-]+\.[\w-]+$/)
    expect(verifyUnsubscribeToken(link!.split('/').pop()!, SECRET)).toEqual(subject)
    expect(url(emailMessage({ channel: 'sms', to: '+15551234567' }))).toBeUndefined()
  })
})

describe('GET|POST /v1/unsubscribe/:token', () => {
  let gw: Awaited<ReturnType<typeof startTestGateway>>
  beforeEach(async () => {
    gw = await startTestGateway()
  })
  afterEach(() => gw.stop())

  const consent = (address: string, sandbox = 'sb') => gw.gateway.deps.store.consents.get(sandbox, 'email', address)

  it('GET shows a confirmation page with a POST button and changes nothing', async () => {
    const token = signUnsubscribeToken(subject, SECRET)
    const res = await gw.call('GET', `/v1/unsubscribe/${token}`, undefined, {}, null)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/html')
    expect(res.text).toContain('a***@example.org')
    expect(res.text).not.toContain('ana@example.org')
    expect(res.text).toMatch(/<form method="post">/)
    expect((await consent('ana@example.org')).marketing).toBe(true)
  })

  it('POST without an API key (RFC 8058 one-click) withdraws marketing consent; marketing mail is then suppressed', async () => {
    const token = signUnsubscribeToken(subject, SECRET)
    const res = await gw.call(
      'POST',
      `/v1/unsubscribe/${token}`,
      'List-Unsubscribe=One-Click',
      { 'content-type': 'application/x-www-form-urlencoded' },
      null,
    )
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ unsubscribed: true, channel: 'email', address: 'a***@example.org' })
    expect((await consent('ana@example.org')).marketing).toBe(false)
    expect((await consent('ana@example.org', 'other')).marketing).toBe(true)

    const data = { firstName: 'Ana', cartUrl: 'https://shop.example/cart' }
    const marketing = await gw.call('POST', '/v1/messages', {
      channel: 'email',
      to: 'ana@example.org',
      template: 'cart-abandonment',
      data,
    })
    expect(marketing.json).toMatchObject({ status: 'suppressed', reason: 'no_consent' })
    const receipt = { firstName: 'Ana', orderId: 'A-1', total: '10' }
    const transactional = await gw.call('POST', '/v1/messages', {
      channel: 'email',
      to: 'ana@example.org',
      template: 'order-confirmation',
      data: receipt,
    })
    expect(transactional.status).toBe(202)
  })

  it('the page button (HTML form post) gets an HTML answer', async () => {
    const token = signUnsubscribeToken(subject, SECRET)
    const res = await gw.call(
      'POST',
      `/v1/unsubscribe/${token}`,
      '',
      { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      null,
    )
    expect(res.status).toBe(200)
    expect(res.text).toContain('You are unsubscribed')
  })

  it('an altered token is a 404 problem and records nothing', async () => {
    const token = signUnsubscribeToken(subject, 'not-the-gateway-secret-000')
    for (const method of ['GET', 'POST']) {
      const res = await gw.call(method, `/v1/unsubscribe/${token}`, undefined, {}, null)
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
      expect(res.json).toMatchObject({ code: 'NOT_FOUND' })
    }
    expect((await consent('ana@example.org')).marketing).toBe(true)
  })
})
