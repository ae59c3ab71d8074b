import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** One call the endpoint received: the Idempotency-Key header, the JSON body, when it arrived. */
export interface EndpointCall {
  key: string | undefined
  body: unknown
  at: number
}

/**
 * A local custom-action endpoint that records every call as it arrives (before answering), then answers
 * 200 after `delayMs`, so that a gateway killed meanwhile leaves calls "in flight".
 */
export async function startCountingEndpoint({ delayMs = 0 }: { delayMs?: number } = {}) {
  const calls: EndpointCall[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      let body: unknown = null
      try {
        body = JSON.parse(Buffer.concat(chunks).toString() || 'null')
      } catch {
        body = null
      }
      const key = req.headers['idempotency-key']
      calls.push({ key: Array.isArray(key) ? key[0] : key, body, at: Date.now() })
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end('{"ok":true}')
      }
      if (delayMs > 0) setTimeout(answer, delayMs)
      else answer()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    calls,
    /** Calls per Idempotency-Key. */
    byKey(): Map<string, EndpointCall[]> {
      const out = new Map<string, EndpointCall[]>()
      for (const c of calls) {
        const k = c.key ?? ''
        const list = out.get(k) ?? []
        list.push(c)
        out.set(k, list)
      }
      return out
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export type CountingEndpoint = Awaited<ReturnType<typeof startCountingEndpoint>>
