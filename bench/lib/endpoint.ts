import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** A minimal local HTTP endpoint for custom actions: answers 200 `{ok:true}` and counts calls. */
export async function startBenchEndpoint() {
  let calls = 0
  const arrivals: number[] = []
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      calls++
      arrivals.push(Date.now())
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"ok":true}')
    })
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    calls: () => calls,
    arrivals,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}
