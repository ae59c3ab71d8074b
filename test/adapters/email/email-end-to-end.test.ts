import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { smtpAdapter } from '../../../adapters/email/smtp/smtp-adapter.ts'
import { systemClock } from '../../../src/domain/clock.ts'
import { unsubscribeUrlBuilder } from '../../../src/suppression/unsubscribe-token.ts'
import { type FakeSmtpServer, startFakeSmtpServer } from '../../fakes/smtp-server.ts'
import { startTestGateway, testConfig } from '../../support/test-gateway.ts'

const FROM = 'Shop <no-reply@example.com>'
const order = { firstName: 'Ana', orderId: 'A-17', total: '12.50 EUR' }

/** The whole gateway delivering email over SMTP to a local server, as server.ts wires EMAIL_TRANSPORT=smtp. */
describe('email over SMTP through the whole gateway', () => {
  let server: FakeSmtpServer
  let gw: Awaited<ReturnType<typeof startTestGateway>>
  let clock: ReturnType<typeof systemClock>

  beforeEach(async () => {
    clock = systemClock()
    server = await startFakeSmtpServer()
    const env = {
      EMAIL_TRANSPORT: 'smtp',
      SMTP_URL: server.url,
      EMAIL_FROM: FROM,
      PUBLIC_URL: 'https://gw.example.com',
    }
    const config = testConfig(env)
    const email = smtpAdapter({
      smtpUrl: config.SMTP_URL!,
      from: config.EMAIL_FROM,
      unsubscribeUrl: unsubscribeUrlBuilder({ publicUrl: config.PUBLIC_URL, secret: config.AUTH_SECRET }),
    })
    gw = await startTestGateway(env, { adapters: { email }, clock })
  })
  afterEach(async () => {
    await gw.stop()
    await server.close()
  })

  const send = (to: string, template = 'order-confirmation', data: object = order) =>
    gw.call('POST', '/v1/messages', { channel: 'email', to, template, data })

  it('a template message ends sent and arrives; marketing mail unsubscribes in one click', async () => {
    const accepted = await send('ana@example.org')
    expect(accepted.status).toBe(202)
    const sent = await gw.waitFor(accepted.json.id, ['sent', 'failed'])
    expect(sent).toMatchObject({ status: 'sent', provider: 'smtp', providerMessageId: 'Q1' })
    expect(sent.attempts).toHaveLength(1)
    const [mail] = await server.waitForMessages(1)
    expect(mail!.parsed.subject).toBe('Your order A-17 is confirmed')
    expect(mail!.parsed.messageId).toBe(`<${accepted.json.id}@example.com>`)

    const cart = { firstName: 'Ana', cartUrl: 'https://shop.example/cart' }
    const promo = await send('ana@example.org', 'cart-abandonment', cart)
    await gw.waitFor(promo.json.id, ['sent', 'failed'])
    const [, marketing] = await server.waitForMessages(2)
    const link = /^List-Unsubscribe: <(https:\/\/gw\.example\.com(\/v1\/unsubscribe\/[^>]+))>/m.exec(marketing!.raw)
    expect(link).not.toBeNull()
    const oneClick = await gw.call(
      'POST',
      link![2]!,
      'List-Unsubscribe=One-Click',
      { 'content-type': 'application/x-www-form-urlencoded' },
      null,
    )
    expect(oneClick.status).toBe(200)
    expect((await send('ana@example.org', 'cart-abandonment', cart)).json).toMatchObject({
      status: 'suppressed',
      reason: 'no_consent',
    })
  })

  it('550 5.1.1 fails the message after one attempt and suppresses the address (hard_bounce)', async () => {
    server.rule('gone@example.org', { code: 550, text: '5.1.1 <gone@example.org>: user unknown' })
    const accepted = await send('gone@example.org')
    const failed = await gw.waitFor(accepted.json.id, ['failed', 'sent'])
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'HARD_BOUNCE' } })
    expect(failed.attempts).toHaveLength(1)
    expect(server.attempts('gone@example.org')).toBe(1)
    const entry = await gw.gateway.deps.store.suppression.get('sb', { type: 'email', value: 'gone@example.org' })
    expect(entry).toMatchObject({ reason: 'hard_bounce', source: `message:${accepted.json.id}` })
    expect((await send('gone@example.org')).json).toMatchObject({ status: 'suppressed' })
  })

  it('451 twice then 250: retried with provider backoff (clock moved forward), sent after 3 attempts', async () => {
    server.rule('busy@example.org', { code: 451, text: '4.3.0 Try again later', times: 2 })
    const accepted = await send('busy@example.org')
    const id = accepted.json.id
    await gw.waitFor(id, ['retrying'])
    clock.advance(31_000)
    await waitUntil(async () => (await gw.call('GET', `/v1/messages/${id}`)).json.attempts.length === 2)
    await gw.waitFor(id, ['retrying'])
    clock.advance(121_000)
    const sent = await gw.waitFor(id, ['sent', 'failed'])
    expect(sent.status).toBe('sent')
    expect(sent.attempts.map((a: { code?: string }) => a.code ?? 'ok')).toEqual([
      'PROVIDER_SMTP_451',
      'PROVIDER_SMTP_451',
      'ok',
    ])
    const mails = await server.waitForMessages(1)
    expect(mails).toHaveLength(1)
    expect(mails[0]!.parsed.messageId).toBe(`<${id}@example.com>`)
  })

  it('a connection lost after DATA fails the message AMBIGUOUS, never re-sent', async () => {
    server.dropAfterData('lost@example.org')
    const accepted = await send('lost@example.org')
    const failed = await gw.waitFor(accepted.json.id, ['failed', 'sent'])
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'AMBIGUOUS' } })
    expect(failed.attempts).toEqual([expect.objectContaining({ outcome: 'unknown', code: 'AMBIGUOUS' })])
    expect(server.attempts('lost@example.org')).toBe(1)
  })
})

async function waitUntil(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}
