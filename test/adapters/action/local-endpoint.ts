/** A real HTTP endpoint on 127.0.0.1 that records what reached it, for the action adapter tests. */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: string
}

export type Respond = (request: ReceivedRequest, res: ServerResponse, req: IncomingMessage) => void

export interface LocalEndpoint {
  url: string
  port: number
  received: ReceivedRequest[]
  /** Sockets opened to the endpoint so far, and the most ever open at once. */
  connections: { total: number; peak: number }
  close(): Promise<void>
}

/** Starts an endpoint answering with `respond`; by default 200 `{"ok":true}`. */
export async function startEndpoint(respond: Respond = (_r, res) => res.end('{"ok":true}')): Promise<LocalEndpoint> {
  const received: ReceivedRequest[] = []
  const connections = { total: 0, peak: 0 }
  let open = 0
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      received.push(request)
      respond(request, res, req)
    })
  })
  server.on('connection', (socket) => {
    connections.total++
    connections.peak = Math.max(connections.peak, ++open)
    socket.on('close', () => open--)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
