import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { twilioAdapter } from '../../../adapters/sms/twilio/twilio-adapter.ts'
import { retryAfterMsOf } from '../../../adapters/sms/twilio/twilio-http-client.ts'
import { validityPeriodSeconds } from '../../../adapters/sms/twilio/twilio-message-params.ts'
import type { ChannelAdapter } from '../../../adapters/types.ts'
import { manualClock } from '../../../src/domain/clock.ts'
import type { MessageRecord } from '../../../src/domain/message.ts'
import { type FakeTwilio, twilioMagicNumbers as magic, startFakeTwilio } from '../../fakes/twilio-server.ts'

const FROM = '+15005550006'
const PUBLIC_URL = 'https://gw.example.com'
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0)

let n = 0
function message(overrides: Partial<MessageRecord> = {}): MessageRecord {
  const at = new Date(NOW).toISOString()
  return {
    id: `msg_${++n}`,
    sandbox: 'sb',
    channel: 'sms',
    to: '+14155550100',
    category: 'transactional',
    priority: 'normal',
    status: 'sending',
    createdAt: at,
    updatedAt: at,
    content: { body: 'Your code is 123456' },
    attempts: [],
    trace: [],
    seriesAttempts: 1,
    sandboxed: false,
    ...overrides,
  }
}

const context = { attempt: 1, timeoutMs: 30_000 }

describe('twilioAdapter against a fake Twilio', () => {
  let fake: FakeTwilio
  let adapter: ChannelAdapter
  const clock = manualClock(NOW)

  beforeAll(async () => {
    fake = await startFakeTwilio()
    adapter = twilioAdapter({
      accountSid: fake.accountSid,
      authToken: fake.authToken,
      from: FROM,
      publicUrl: PUBLIC_URL,
      apiBase: fake.url,
      clock,
    })
  })
  afterAll(() => fake.close())

  const lastRequest = () => {
    const r = fake.requests.at(-1)
    if (!r) throw new Error('no request reached the fake')
    return r
  }

  it('sends an SMS with the SDK: To, From, Body, StatusCallback, Basic auth; 201 is sent, not delivered', async () => {
    const m = message()
    const result = await adapter.send(m, context)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/)
    expect(result.delivered).toBeUndefined()
    const req = lastRequest()
    expect(req.authorized).toBe(true)
    expect(req.path).toBe(`/2010-04-01/Accounts/${fake.accountSid}/Messages.json`)
    expect(req.headers['content-type']).toContain('application/x-www-form-urlencoded')
    expect(req.form.get('To')).toBe('+14155550100')
    expect(req.form.get('From')).toBe(FROM)
    expect(req.form.has('MessagingServiceSid')).toBe(false)
    expect(req.form.get('Body')).toBe('Your code is 123456')
    expect(req.form.get('StatusCallback')).toBe(`${PUBLIC_URL}/v1/webhooks/twilio/status?s=sb&m=${m.id}`)
    expect(req.form.has('ValidityPeriod')).toBe(false)
    expect(req.form.has('MediaUrl')).toBe(false)
  })

  it('sends an MMS with every media URL and encodes the sandbox in the callback URL', async () => {
    const media = [
      'https://cdn.example.com/a.png',
      'https://cdn.example.com/b.jpg?x=1&y=2',
      'https://cdn.example.com/c.gif',
    ]
    const m = message({ channel: 'mms', sandbox: 'sb/test', content: { body: 'Look', mediaUrls: media } })
    const result = await adapter.send(m, context)
    expect(result.ok && result.providerMessageId).toMatch(/^MM/)
    const req = lastRequest()
    expect(req.form.getAll('MediaUrl')).toEqual(media)
    expect(req.form.get('Body')).toBe('Look')
    expect(req.form.get('StatusCallback')).toBe(`${PUBLIC_URL}/v1/webhooks/twilio/status?s=sb%2Ftest&m=${m.id}`)
  })

  it('sends an MMS without a body', async () => {
    const result = await adapter.send(
      message({ channel: 'mms', content: { mediaUrls: ['https://cdn.example.com/a.png'] } }),
      context,
    )
    expect(result.ok).toBe(true)
    expect(lastRequest().form.has('Body')).toBe(false)
  })

  it('sets ValidityPeriod from expiresAt: seconds left, clamped to 1..36000', async () => {
    await adapter.send(message({ expiresAt: new Date(NOW + 3_600_500).toISOString() }), context)
    expect(lastRequest().form.get('ValidityPeriod')).toBe('3600')
    await adapter.send(message({ expiresAt: new Date(NOW + 48 * 3_600_000).toISOString() }), context)
    expect(lastRequest().form.get('ValidityPeriod')).toBe('36000')
    await adapter.send(message({ expiresAt: new Date(NOW + 200).toISOString() }), context)
    expect(lastRequest().form.get('ValidityPeriod')).toBe('1')
  })

  it('uses a messaging service instead of From when configured', async () => {
    const viaService = twilioAdapter({
      accountSid: fake.accountSid,
      authToken: fake.authToken,
      from: FROM,
      messagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
      publicUrl: PUBLIC_URL,
      apiBase: fake.url,
    })
    const result = await viaService.send(message({ to: magic.optedOut }), context)
    const req = lastRequest()
    expect(req.form.get('MessagingServiceSid')).toBe('MG0123456789abcdef0123456789abcdef')
    expect(req.form.has('From')).toBe(false)
    // The opt-out belongs to the messaging service, not to a number.
    expect(result).toMatchObject({
      ok: false,
      code: 'OPTED_OUT',
      suppress: { kind: 'opted_out', sender: 'MG0123456789abcdef0123456789abcdef' },
    })
  })

  it.each([
    [
      magic.optedOut,
      { code: 'OPTED_OUT', retryable: false, suppress: { kind: 'opted_out', sender: FROM, phone: magic.optedOut } },
    ],
    [magic.invalidNumber, { code: 'PROVIDER_TWILIO_21211', retryable: false, suppress: { kind: 'hard_bounce' } }],
    [magic.notMobile, { code: 'PROVIDER_TWILIO_21614', retryable: false, suppress: { kind: 'hard_bounce' } }],
    [magic.rateLimited, { code: 'PROVIDER_TWILIO_20429', retryable: true, retryAfterMs: 1000 }],
    [magic.serverError, { code: 'PROVIDER_TWILIO_20500', retryable: true }],
    [magic.htmlError, { code: 'PROVIDER_TWILIO_HTTP_503', retryable: true }],
    [magic.providerTimeout, { code: 'AMBIGUOUS', retryable: false, ambiguous: true }],
    [magic.regionNotEnabled, { code: 'PROVIDER_TWILIO_21408', retryable: false }],
  ])('classifies the answer for %s', async (to, expected) => {
    const result = await adapter.send(message({ to }), context)
    expect(result).toMatchObject({ ok: false, ...expected })
    if (result.ok) return
    if (!('suppress' in expected)) expect(result.suppress).toBeUndefined()
    if (!('ambiguous' in expected)) expect(result.ambiguous).toBeFalsy()
    expect(lastRequest().form.get('To')).toBe(to)
  })

  it("keeps each concurrent call's Retry-After to itself", async () => {
    const tos = [magic.rateLimited, magic.serverError, magic.rateLimited, '+14155550100', magic.serverError]
    const results = await Promise.all(tos.map((to) => adapter.send(message({ to }), context)))
    expect(results.map((r) => (r.ok ? 'ok' : r.retryAfterMs))).toEqual([1000, undefined, 1000, 'ok', undefined])
  })

  it("keeps Twilio's message in the detail", async () => {
    const result = await adapter.send(message({ to: magic.regionNotEnabled }), context)
    expect(!result.ok && result.detail).toContain('Permission to send an SMS has not been enabled')
    expect(!result.ok && result.detail).toContain('21408')
  })

  it('fails without retry when the credentials are wrong (20003)', async () => {
    const wrong = twilioAdapter({
      accountSid: fake.accountSid,
      authToken: 'wrong',
      from: FROM,
      publicUrl: PUBLIC_URL,
      apiBase: fake.url,
    })
    const result = await wrong.send(message(), context)
    expect(result).toMatchObject({ ok: false, code: 'PROVIDER_TWILIO_20003', retryable: false })
    expect(lastRequest().authorized).toBe(false)
  })

  it('treats a request with no answer before the timeout as ambiguous (never re-sent)', async () => {
    const impatient = twilioAdapter({
      accountSid: fake.accountSid,
      authToken: fake.authToken,
      from: FROM,
      publicUrl: PUBLIC_URL,
      apiBase: fake.url,
      timeoutMs: 300,
    })
    const result = await impatient.send(message({ to: magic.hang }), context)
    expect(result).toMatchObject({ ok: false, code: 'AMBIGUOUS', retryable: false, ambiguous: true })
  })
})

describe('twilioAdapter when Twilio cannot be reached', () => {
  it('answers NETWORK, retryable, when the connection is refused', async () => {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    await new Promise<void>((resolve) => server.close(() => resolve()))
    const adapter = twilioAdapter({
      accountSid: 'AC0123456789abcdef0123456789abcdef',
      authToken: 'token',
      from: FROM,
      publicUrl: PUBLIC_URL,
      apiBase: `http://127.0.0.1:${port}`,
    })
    const result = await adapter.send(message(), context)
    expect(result).toMatchObject({ ok: false, code: 'NETWORK', retryable: true })
    expect(!result.ok && result.ambiguous).toBeFalsy()
  })

  it('refuses to start without a sender', () => {
    expect(() =>
      twilioAdapter({ accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 't', publicUrl: PUBLIC_URL }),
    ).toThrow(/from/)
  })
})

describe('pure helpers', () => {
  it('validityPeriodSeconds', () => {
    expect(validityPeriodSeconds(undefined, NOW)).toBeUndefined()
    expect(validityPeriodSeconds('not a date', NOW)).toBeUndefined()
    expect(validityPeriodSeconds(new Date(NOW - 5000).toISOString(), NOW)).toBe(1)
    expect(validityPeriodSeconds(new Date(NOW + 90_000).toISOString(), NOW)).toBe(90)
    expect(validityPeriodSeconds(new Date(NOW + 36_001_000).toISOString(), NOW)).toBe(36_000)
  })

  it('retryAfterMsOf reads delay seconds and HTTP dates', () => {
    expect(retryAfterMsOf('3', NOW)).toBe(3000)
    expect(retryAfterMsOf(['2'], NOW)).toBe(2000)
    expect(retryAfterMsOf(new Date(NOW + 4000).toUTCString(), NOW)).toBe(4000)
    expect(retryAfterMsOf(undefined, NOW)).toBeUndefined()
    expect(retryAfterMsOf('soon', NOW)).toBeUndefined()
  })
})
