import { afterEach, describe, expect, it } from 'vitest'
import { safeHttpClient } from '../../../adapters/action/http/safe-http-client.ts'
import { type LocalEndpoint, type Respond, startEndpoint } from './local-endpoint.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()))
})

async function endpoint(respond?: Respond): Promise<LocalEndpoint> {
  const started = await startEndpoint(respond)
  cleanups.push(started.close)
  return started
}

describe('safeHttpClient.postJson (status callbacks)', () => {
  it('posts JSON through the same rules and reports the status', async () => {
    const server = await endpoint((request, res) => {
      res.writeHead(request.path === '/fail' ? 500 : 204)
      res.end(request.path === '/fail' ? 'down' : undefined)
    })
    const client = safeHttpClient({ allowPrivate: true })
    cleanups.push(client.close)
    const body = { id: 'msg_1', status: 'sent' }
    const headers = { 'X-Sendgate-Signature': 't=1,v1=ab' }
    expect(await client.postJson({ url: `${server.url}/ok`, body, headers, timeoutMs: 2_000 })).toEqual({
      ok: true,
      status: 204,
      detail: 'HTTP 204',
    })
    expect(await client.postJson({ url: `${server.url}/fail`, body, timeoutMs: 2_000 })).toEqual({
      ok: false,
      code: 'HTTP_500',
      failure: 'status',
      status: 500,
      sent: true,
      detail: 'down',
    })
    expect(server.received[0]).toMatchObject({ method: 'POST', body: JSON.stringify(body) })
    expect(server.received[0]?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-sendgate-signature': 't=1,v1=ab',
    })
  })

  it('refuses a private callback URL unless allowPrivate', async () => {
    const server = await endpoint()
    const client = safeHttpClient()
    cleanups.push(client.close)
    const result = await client.postJson({ url: server.url, body: {}, timeoutMs: 2_000 })
    expect(result).toMatchObject({ ok: false, code: 'BLOCKED_ADDRESS', failure: 'blocked', sent: false })
    expect(server.connections.total).toBe(0)
  })
})
