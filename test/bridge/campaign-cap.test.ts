import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGateway } from '../support/test-gateway.ts'

describe('campaign channel cap (4,000 per 5 minutes per sandbox)', () => {
  let gw: Awaited<ReturnType<typeof startTestGateway>>
  beforeAll(async () => {
    gw = await startTestGateway()
  })
  afterAll(() => gw.stop())

  const send = (email: string, key = 'test-admin') =>
    gw.call(
      'POST',
      '/v1/messages',
      { channel: 'campaign', to: { email }, template: 'cartAbandonment', data: {} },
      {},
      key,
    )

  it('caps the 4,001st campaign message of a window', async () => {
    const { limiter } = gw.gateway.deps.store
    const cap = { sandbox: 'sb', key: 'campaign', windows: [{ limit: 4000, windowMs: 300_000 }] }
    for (let i = 0; i < 3999; i++) expect((await limiter.take(cap)).allowed).toBe(true)
    const last = await send('number4000@example.com')
    expect((await gw.waitFor(last.json.id, ['delivered', 'sent'])).status).toMatch(/delivered|sent/)
    const over = await send('number4001@example.com')
    const capped = await gw.waitFor(over.json.id, ['capped'])
    expect(capped.error.code).toBe('CAPPED')
    // Another sandbox has its own window.
    const other = await send('elsewhere@example.com', 'other-admin')
    expect((await gw.waitFor(other.json.id, ['delivered', 'sent'], 10_000, 'other-admin')).status).not.toBe('capped')
  })
})
