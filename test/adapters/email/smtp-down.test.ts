import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { smtpAdapter } from '../../../adapters/email/smtp/smtp-adapter.ts'
import { systemClock } from '../../../src/domain/clock.ts'
import { startTestGateway } from '../../support/test-gateway.ts'

const closedPort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })

/** An SMTP server that is down: the message is retried with the provider backoff, then fails with the reason. */
describe('email while the SMTP server is down', () => {
  const clock = systemClock()
  let gw: Awaited<ReturnType<typeof startTestGateway>>
  beforeAll(async () => {
    const url = `smtp://127.0.0.1:${await closedPort()}`
    const env = { EMAIL_TRANSPORT: 'smtp', SMTP_URL: url, EMAIL_FROM: 'Shop <no-reply@example.com>' }
    const email = smtpAdapter({ smtpUrl: url, from: env.EMAIL_FROM, connectionTimeoutMs: 2000 })
    gw = await startTestGateway(env, { adapters: { email }, clock })
  })
  afterAll(() => gw.stop())

  it('retries connection errors until the 84 h window is over, then fails with the last error in the trace', async () => {
    const r = await gw.call('POST', '/v1/messages', {
      channel: 'email',
      to: 'ana@example.com',
      content: { subject: 'Receipt', text: 'Thanks' },
    })
    expect(r.status).toBe(202)
    let m = await gw.waitFor(r.json.id, ['retrying', 'failed'])
    for (let i = 0; i < 200 && m.status !== 'failed'; i++) {
      const attempts = m.attempts.length
      clock.advance(3_600_000)
      const until = Date.now() + 10_000
      while (Date.now() < until) {
        m = (await gw.call('GET', `/v1/messages/${r.json.id}`)).json
        if (m.status === 'failed' || (m.status === 'retrying' && m.attempts.length > attempts)) break
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    }
    expect(m.status).toBe('failed')
    expect(m.attempts.length).toBeGreaterThan(10)
    expect(m.attempts.every((a: { code: string }) => a.code === 'NETWORK')).toBe(true)
    const last = m.trace.filter((t: { step: string }) => t.step === 'dispatch').at(-1)
    expect(last).toMatchObject({ decision: 'failed', detail: { code: 'NETWORK', why: 'retry window over' } })
    expect(m.error.detail).toMatch(/ECONNREFUSED|connect/i)
  }, 120_000)
})
