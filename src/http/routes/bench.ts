import type { OpenAPIHono } from '@hono/zod-openapi'
import type { GatewayDeps } from '../gateway-deps.ts'
import { requireScope } from '../middleware/auth.ts'
import { MB, readJson } from '../read-json.ts'

/**
 * `POST /__bench/echo` (BENCH=1 only): the benchmarks' baseline. It sits at the same place in the
 * middleware stack as `/v1/messages` (request id, load shedding, authentication, JSON body read) and
 * then answers `{ok:true}`, so a ratio against it isolates what sending costs.
 */
export function registerBenchRoutes(app: OpenAPIHono, deps: GatewayDeps): void {
  app.post('/__bench/echo', requireScope({ keyring: deps.keyring, scope: 'send' }), async (c) => {
    await readJson(c, MB)
    return c.json({ ok: true })
  })
}
