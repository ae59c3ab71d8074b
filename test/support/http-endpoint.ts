import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordedCall {
  method: string
  path: string
  headers: http.IncomingHttpHeaders
  body: string
  at: number
}

/**
 * A local HTTP endpoint for custom actions: answers each call with `respond(call, n)` (n = calls so far
 * on that path) and records everything.
 */
export async function startEndpoint(
  respond: (
    call: RecordedCall,
    n: number,
  ) => { status: number; headers?: Record<string, string>; body?: unknown; delayMs?: number } = () => ({ status: 200 }),
) {
  const calls: RecordedCall[] = []
  const sockets = new Set<import('node:net').Socket>()
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      const call = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, at: Date.now() }
      calls.push(call)
      const n = calls.filter((c) => c.path === call.path).length
      const answer = respond(call, n)
      const send = () => {
        if (res.destroyed) return
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
        res.end(JSON.stringify(answer.body ?? { ok: answer.status < 300 }))
      }
      if (answer.delayMs) setTimeout(send, answer.delayMs)
      else send()
    })
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    count: (path: string) => calls.filter((c) => c.path === path).length,
    async close() {
      for (const s of sockets) s.destroy()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}
