import twilio from 'twilio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { twilioAdapter } from '../../../adapters/sms/twilio/twilio-adapter.ts'
import { type FakeTwilio, twilioMagicNumbers as magic, startFakeTwilio } from '../../fakes/twilio-server.ts'
import { OTHER, startTestGateway } from '../../support/test-gateway.ts'

const FROM = '+15005550006'
const PUBLIC_URL = 'http://127.0.0.1:9999'
const HELP_TEXT = 'Shop & Co: help at shop.example <24/7>. Reply STOP to opt out.'

type TestGateway = Awaited<ReturnType<typeof startTestGateway>>

/** A form POST as Twilio makes it, signed with `token` unless `signature` is given (null: no header). */
async function twilioPost(
  gw: TestGateway,
  path: string,
  params: Record<string, string>,
  token: string,
  signature?: string | null,
) {
  const sig =
    signature === undefined ? twilio.getExpectedTwilioSignature(token, `${PUBLIC_URL}${path}`, params) : signature
  const res = await gw.gateway.app.request(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(sig === null ? {} : { 'x-twilio-signature': sig }),
    },
    body: new URLSearchParams(params).toString(),
  })
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() }
}

describe('SMS through Twilio, end to end', () => {
  let fake: FakeTwilio
  let gw: TestGateway

  beforeAll(async () => {
    fake = await startFakeTwilio()
    const adapter = twilioAdapter({
      accountSid: fake.accountSid,
      authToken: fake.authToken,
      from: FROM,
      publicUrl: PUBLIC_URL,
      apiBase: fake.url,
    })
    gw = await startTestGateway(
      {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: fake.accountSid,
        TWILIO_AUTH_TOKEN: fake.authToken,
        TWILIO_FROM: FROM,
        TWILIO_API_BASE: fake.url,
        PUBLIC_URL,
        SMS_HELP_TEXT: HELP_TEXT,
      },
      { adapters: { sms: adapter, mms: adapter } },
    )
  })
  afterAll(async () => {
    await gw?.stop()
    await fake?.close()
  })

  const send = (to: string, category: 'transactional' | 'marketing' = 'transactional', body = 'Hello from the shop') =>
    gw.call('POST', '/v1/messages', { channel: 'sms', to, category, content: { body } }, { prefer: 'wait=10' })

  const inbound = (from: string, body: string, signature?: string | null) =>
    twilioPost(
      gw,
      '/v1/webhooks/twilio/inbound',
      { AccountSid: fake.accountSid, MessageSid: 'SMin0001', From: from, To: FROM, Body: body, NumMedia: '0' },
      fake.authToken,
      signature,
    )

  /** Sends a normal message and returns it `sent`, with the status callback path Twilio was given. */
  async function sentMessage(to: string) {
    const res = await send(to)
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ status: 'sent', provider: 'twilio' })
    const request = fake.messageRequests().find((r) => r.form.get('StatusCallback')?.endsWith(`&m=${res.json.id}`))
    const callback = request?.form.get('StatusCallback') ?? ''
    expect(callback).toBe(`${PUBLIC_URL}/v1/webhooks/twilio/status?s=sb&m=${res.json.id}`)
    return {
      id: res.json.id as string,
      sid: res.json.providerMessageId as string,
      path: callback.slice(PUBLIC_URL.length),
    }
  }

  const statusParams = (sid: string, to: string, status: string, errorCode?: string) => ({
    AccountSid: fake.accountSid,
    ApiVersion: '2010-04-01',
    From: FROM,
    To: to,
    MessageSid: sid,
    SmsSid: sid,
    MessageStatus: status,
    SmsStatus: status,
    ...(errorCode ? { ErrorCode: errorCode } : {}),
  })

  it('sends a message to a normal number: sent, with the Twilio SID as provider id', async () => {
    const { id, sid } = await sentMessage('+14155550100')
    expect(sid).toMatch(/^SM[0-9a-f]{32}$/)
    const view = (await gw.call('GET', `/v1/messages/${id}`)).json
    expect(view).toMatchObject({ status: 'sent', providerMessageId: sid })
    const req = fake.messageRequests().find((r) => r.form.get('StatusCallback')?.endsWith(id))
    expect(req?.form.get('To')).toBe('+14155550100')
    expect(req?.form.get('From')).toBe(FROM)
    expect(req?.form.get('Body')).toBe('Hello from the shop')
  })

  it('moves a message to delivered on a signed status callback; a bad or missing signature is 403 and changes nothing', async () => {
    const to = '+14155550101'
    const { id, sid, path } = await sentMessage(to)
    const params = statusParams(sid, to, 'delivered')

    const wrong = await twilioPost(gw, path, params, 'not-the-auth-token')
    expect(wrong.status).toBe(403)
    const missing = await twilioPost(gw, path, params, fake.authToken, null)
    expect(missing.status).toBe(403)
    const otherUrl = await twilioPost(
      gw,
      path,
      params,
      fake.authToken,
      twilio.getExpectedTwilioSignature(fake.authToken, `${PUBLIC_URL}${path}x`, params),
    )
    expect(otherUrl.status).toBe(403)
    expect((await gw.call('GET', `/v1/messages/${id}`)).json.status).toBe('sent')

    const ok = await twilioPost(gw, path, params, fake.authToken)
    expect(ok.status).toBe(204)
    const view = (await gw.call('GET', `/v1/messages/${id}`)).json
    expect(view.status).toBe('delivered')
    expect(view.trace.at(-1)).toMatchObject({ step: 'provider_callback', decision: 'delivered' })
  })

  it('fails an undelivered message with the Twilio code; 30006 suppresses the phone (hard bounce)', async () => {
    const to = '+14155550102'
    const { id, sid, path } = await sentMessage(to)
    expect((await twilioPost(gw, path, statusParams(sid, to, 'undelivered', '30006'), fake.authToken)).status).toBe(204)
    const view = (await gw.call('GET', `/v1/messages/${id}`)).json
    expect(view).toMatchObject({ status: 'failed', error: { code: 'PROVIDER_TWILIO_30006' } })
    expect(view.trace.at(-1)).toMatchObject({
      step: 'suppression',
      decision: 'added',
      detail: { reason: 'hard_bounce' },
    })
    expect(await gw.gateway.deps.store.suppression.get('sb', { type: 'phone', value: to })).toMatchObject({
      reason: 'hard_bounce',
    })
    const next = await send(to)
    expect(next.json).toMatchObject({ status: 'suppressed', reason: 'hard_bounce' })
  })

  it('counts 30003 as a soft bounce without suppressing at once', async () => {
    const to = '+14155550103'
    const { id, sid, path } = await sentMessage(to)
    expect((await twilioPost(gw, path, statusParams(sid, to, 'failed', '30003'), fake.authToken)).status).toBe(204)
    const view = (await gw.call('GET', `/v1/messages/${id}`)).json
    expect(view).toMatchObject({ status: 'failed', error: { code: 'PROVIDER_TWILIO_30003' } })
    expect(view.trace.at(-1)).toMatchObject({
      step: 'suppression',
      decision: 'soft_bounce_counted',
      detail: { count: 1 },
    })
    expect(await gw.gateway.deps.store.suppression.get('sb', { type: 'phone', value: to })).toBeNull()
  })

  it('ignores a status callback for an unknown message or a mismatched SID', async () => {
    const to = '+14155550104'
    const { id, path } = await sentMessage(to)
    expect((await twilioPost(gw, path, statusParams('SMnot-this-one', to, 'delivered'), fake.authToken)).status).toBe(
      204,
    )
    expect((await gw.call('GET', `/v1/messages/${id}`)).json.status).toBe('sent')
    const unknown = '/v1/webhooks/twilio/status?s=sb&m=msg_unknown'
    expect((await twilioPost(gw, unknown, statusParams('SMx', to, 'delivered'), fake.authToken)).status).toBe(204)
  })

  it.each([
    ['STOP', '+14155550110'],
    ['stop', '+14155550111'],
    [' Stop ', '+14155550112'],
  ])('inbound %j opts the phone out of this sender for marketing and transactional SMS', async (body, phone) => {
    const reply = await inbound(phone, body)
    expect(reply.status).toBe(200)
    expect(reply.type).toContain('text/xml')
    expect(reply.text).toContain('<Response/>')
    const before = fake.messageRequests().length
    for (const category of ['marketing', 'transactional'] as const) {
      const res = await send(phone, category)
      expect(res.status).toBe(200)
      expect(res.json).toMatchObject({ status: 'suppressed', reason: 'opted_out' })
    }
    expect(fake.messageRequests().length).toBe(before)
  })

  it('START removes the opt-out; the opt-out is visible read-only to any sandbox meanwhile', async () => {
    const phone = '+14155550120'
    await inbound(phone, 'UNSUBSCRIBE')
    const seen = await gw.call('GET', `/v1/sms-opt-outs/${encodeURIComponent(phone)}`, undefined, {}, OTHER)
    expect(seen.status).toBe(200)
    expect(seen.json).toEqual({ phone, optOuts: [{ sender: FROM, at: expect.any(String) }] })
    expect((await send(phone)).json.status).toBe('suppressed')

    const reply = await inbound(phone, 'start')
    expect(reply.status).toBe(200)
    expect(reply.text).toContain('<Response/>')
    expect((await gw.call('GET', `/v1/sms-opt-outs/${encodeURIComponent(phone)}`)).status).toBe(404)
    expect((await send(phone)).json.status).toBe('sent')
  })

  it('HELP answers TwiML with the help text and changes nothing', async () => {
    const phone = '+14155550130'
    const reply = await inbound(phone, 'help')
    expect(reply.status).toBe(200)
    expect(reply.type).toContain('text/xml')
    expect(reply.text).toContain(
      '<Response><Message>Shop &amp; Co: help at shop.example &lt;24/7&gt;. Reply STOP to opt out.</Message></Response>',
    )
    expect((await gw.call('GET', `/v1/sms-opt-outs/${encodeURIComponent(phone)}`)).status).toBe(404)
  })

  it('"please stop texting me" is not a keyword', async () => {
    const phone = '+14155550140'
    const reply = await inbound(phone, 'please stop texting me')
    expect(reply.status).toBe(200)
    expect(reply.text).toContain('<Response/>')
    expect((await gw.call('GET', `/v1/sms-opt-outs/${encodeURIComponent(phone)}`)).status).toBe(404)
    expect((await send(phone)).json.status).toBe('sent')
  })

  it('an inbound STOP with a wrong or missing signature is 403 and records nothing', async () => {
    const phone = '+14155550150'
    expect((await inbound(phone, 'STOP', 'bm90IGEgc2lnbmF0dXJl')).status).toBe(403)
    expect((await inbound(phone, 'STOP', null)).status).toBe(403)
    expect((await gw.call('GET', `/v1/sms-opt-outs/${encodeURIComponent(phone)}`)).status).toBe(404)
  })

  it('Twilio 21610 on send fails the message OPTED_OUT and records the opt-out for this sender', async () => {
    const res = await send(magic.optedOut)
    expect(res.json).toMatchObject({ status: 'failed', error: { code: 'OPTED_OUT' } })
    const seen = await gw.call('GET', `/v1/sms-opt-outs/${encodeURIComponent(magic.optedOut)}`)
    expect(seen.json).toMatchObject({ phone: magic.optedOut, optOuts: [{ sender: FROM }] })
    expect((await send(magic.optedOut, 'marketing')).json).toMatchObject({ status: 'suppressed', reason: 'opted_out' })
  })

  it('Twilio 21211 on send fails the message and suppresses the phone', async () => {
    const res = await send(magic.invalidNumber)
    expect(res.json).toMatchObject({ status: 'failed', error: { code: 'PROVIDER_TWILIO_21211' } })
    expect((await send(magic.invalidNumber)).json).toMatchObject({ status: 'suppressed', reason: 'hard_bounce' })
  })

  it('the opt-out lookup needs a key with send scope and a phone number', async () => {
    expect((await gw.call('GET', '/v1/sms-opt-outs/%2B14155550100', undefined, {}, null)).status).toBe(401)
    const bad = await gw.call('GET', '/v1/sms-opt-outs/not-a-phone')
    expect(bad.status).toBe(400)
    expect(bad.json.code).toBe('VALIDATION')
  })
})

describe('Twilio webhooks without TWILIO_AUTH_TOKEN', () => {
  it('answer 403 whatever the signature', async () => {
    const gw = await startTestGateway({ PUBLIC_URL })
    try {
      const params = { From: '+14155550160', To: FROM, Body: 'STOP' }
      const inbound = await twilioPost(gw, '/v1/webhooks/twilio/inbound', params, 'any-token')
      expect(inbound.status).toBe(403)
      const status = await twilioPost(
        gw,
        '/v1/webhooks/twilio/status?s=sb&m=x',
        { MessageStatus: 'delivered' },
        'any-token',
      )
      expect(status.status).toBe(403)
      expect(await gw.gateway.deps.store.smsOptOuts.listForPhone('+14155550160')).toEqual([])
    } finally {
      await gw.stop()
    }
  })
})
