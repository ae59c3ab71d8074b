import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGateway } from '../support/test-gateway.ts'

describe('sandbox adapters: the simulated recipients of SPEC section 9', () => {
  let gw: Awaited<ReturnType<typeof startTestGateway>>
  beforeAll(async () => {
    gw = await startTestGateway()
  })
  afterAll(() => gw.stop())

  const email = (to: string) => ({ channel: 'email', to, content: { subject: 'Hi', text: 'Hello' } })
  const sms = (to: string) => ({ channel: 'sms', to, content: { body: 'Hello' } })
  const push = (token: string) => ({
    channel: 'push',
    to: { token, platform: 'fcm' },
    content: { title: 'Hi', body: 'Hello' },
  })
  const suppressionOf = (type: string, value: string) =>
    gw.gateway.deps.store.suppression.get('sb', { type: type as 'email', value })

  it('delivers any other recipient', async () => {
    for (const body of [email('someone@example.com'), sms('+15551234567'), push('device-token-1')]) {
      const r = await gw.call('POST', '/v1/messages', body)
      await gw.waitFor(r.json.id, ['delivered'])
    }
  })

  it('bounces hard and writes the suppression entry, yet intake never suppresses the simulator', async () => {
    for (const [body, type, value, code] of [
      [email('bounce@simulator.test'), 'email', 'bounce@simulator.test', 'HARD_BOUNCE'],
      [sms('+15550000001'), 'phone', '+15550000001', 'HARD_BOUNCE'],
      [push('invalid-token'), 'push_token', 'invalid-token', 'INVALID_TOKEN'],
    ] as const) {
      const r = await gw.call('POST', '/v1/messages', body)
      const m = await gw.waitFor(r.json.id, ['failed'])
      expect(m.error.code).toBe(code)
      expect(
        m.trace.some((t: { step: string; decision: string }) => t.step === 'suppression' && t.decision === 'added'),
      ).toBe(true)
      expect(await suppressionOf(type, value)).toMatchObject({
        reason: type === 'push_token' ? 'invalid_token' : 'hard_bounce',
      })
      const again = await gw.call('POST', '/v1/messages', body)
      expect(again.status).toBe(202)
    }
  })

  it('retries a soft bounce, then delivers', async () => {
    for (const body of [email('softbounce@simulator.test'), sms('+15550000002'), push('rate-limited')]) {
      const r = await gw.call('POST', '/v1/messages', body)
      const m = await gw.waitFor(r.json.id, ['delivered'], 15_000)
      expect(m.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['failure', 'success'])
    }
  })

  it('delivers to the complaint address and then suppresses it', async () => {
    const r = await gw.call('POST', '/v1/messages', email('complaint@simulator.test'))
    await gw.waitFor(r.json.id, ['delivered'])
    expect(await suppressionOf('email', 'complaint@simulator.test')).toMatchObject({ reason: 'complaint' })
  })

  it('fails opted-out recipients and records the opt-out', async () => {
    const r = await gw.call('POST', '/v1/messages', email('optout@simulator.test'))
    expect((await gw.waitFor(r.json.id, ['failed'])).error.code).toBe('OPTED_OUT')
    const consent = await gw.gateway.deps.store.consents.get('sb', 'email', 'optout@simulator.test')
    expect(consent.marketing).toBe(false)
    const s = await gw.call('POST', '/v1/messages', sms('+15550000003'))
    expect((await gw.waitFor(s.json.id, ['failed'])).error.code).toBe('OPTED_OUT')
    expect(await gw.gateway.deps.store.smsOptOuts.get(gw.config.smsSender, '+15550000003')).toBeTruthy()
  })

  it('fails an ambiguous timeout with AMBIGUOUS and never re-sends it', async () => {
    for (const body of [email('timeout@simulator.test'), sms('+15550000004')]) {
      const r = await gw.call('POST', '/v1/messages', body)
      const m = await gw.waitFor(r.json.id, ['failed'])
      expect(m.error.code).toBe('AMBIGUOUS')
      expect(m.attempts).toHaveLength(1)
      expect(m.attempts[0].outcome).toBe('unknown')
    }
  })
})
