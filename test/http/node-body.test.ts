import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, startTestGateway } from '../support/test-gateway.ts'

/** Bodies read straight from Node's IncomingMessage, over a real socket. */
describe('request bodies on the Node server', () => {
  let gw: Awaited<ReturnType<typeof startTestGateway>>
  let server: ReturnType<typeof serve>
  let base: string
  beforeAll(async () => {
    gw = await startTestGateway()
    server = serve({ fetch: gw.gateway.app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await gw.stop()
  })

  const post = (body: string | Uint8Array, headers: Record<string, string> = {}) =>
    fetch(`${base}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', ...headers },
      body,
    })

  it('accepts a JSON body, refuses malformed JSON with 400', async () => {
    const ok = await post(JSON.stringify({ channel: 'sms', to: '+15551230001', content: { body: 'hé ✓' } }))
    expect(ok.status).toBe(202)
    const bad = await post('{"channel": ')
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { code: string }).code).toBe('VALIDATION')
  })

  it('answers 413 for a body over 1 MB, declared or streamed, and keeps serving', async () => {
    const big = JSON.stringify({ channel: 'sms', to: '+15551230002', content: { body: 'x'.repeat(1_200_000) } })
    const declared = await post(big)
    expect(declared.status).toBe(413)
    const chunked = await fetch(`${base}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 12; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(100_000)))
          controller.close()
        },
      }),
      duplex: 'half',
    } as RequestInit)
    expect(chunked.status).toBe(413)
    const after = await post(JSON.stringify({ channel: 'sms', to: '+15551230003', content: { body: 'ok' } }))
    expect(after.status).toBe(202)
  })
})
