import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEndpoint } from '../support/http-endpoint.ts'
import { startTestGateway } from '../support/test-gateway.ts'

describe('load shedding', () => {
  let gw: Awaited<ReturnType<typeof startTestGateway>>
  let ep: Awaited<ReturnType<typeof startEndpoint>>
  beforeAll(async () => {
    ep = await startEndpoint(() => ({ status: 200, delayMs: 1500 }))
    gw = await startTestGateway({ MAX_INFLIGHT: '2' })
  })
  afterAll(async () => {
    await gw.stop()
    await ep.close()
  })

  it('answers 503 OVERLOADED with Retry-After beyond MAX_INFLIGHT, and recovers', async () => {
    const slow = () =>
      gw.call(
        'POST',
        '/v1/messages',
        { channel: 'action', to: `${ep.url}/slow`, action: { body: { a: 1 } } },
        { prefer: 'wait=5' },
      )
    const held = [slow(), slow()]
    await new Promise((r) => setTimeout(r, 200))
    const shed = await gw.call('POST', '/v1/messages', {
      channel: 'email',
      to: 'a@example.com',
      content: { subject: 's', text: 't' },
    })
    expect(shed.status).toBe(503)
    expect(shed.json.code).toBe('OVERLOADED')
    expect(shed.headers.get('retry-after')).toBe('1')
    const done = await Promise.all(held)
    expect(done.map((r) => r.status)).toEqual([200, 200])
    const after = await gw.call('POST', '/v1/messages', {
      channel: 'email',
      to: 'a@example.com',
      content: { subject: 's', text: 't' },
    })
    expect(after.status).toBe(202)
    const health = await gw.call('GET', '/healthz', undefined, {}, null)
    expect(health.status).toBe(200)
  })
})
