import type { OpenAPIHono } from '@hono/zod-openapi'
import type { GatewayDeps } from '../gateway-deps.ts'

/** `/healthz`, `/readyz`, `/metrics`, `/openapi.json` (SPEC section 12): open, no credentials. */
export function registerOperationsRoutes(app: OpenAPIHono, deps: GatewayDeps): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }))

  app.get('/readyz', async (c) => {
    try {
      await deps.store.ping()
      return c.json({ status: 'ready', store: deps.store.kind })
    } catch (e) {
      return c.json({ status: 'unavailable', store: deps.store.kind, detail: (e as Error).message }, 503)
    }
  })

  app.get('/metrics', async (c) => {
    try {
      const depth = await deps.store.queue.depth()
      deps.metrics.queueDepth.set({ lane: 'fast' }, depth.fast)
      deps.metrics.queueDepth.set({ lane: 'slow' }, depth.slow)
    } catch {
      // The store is down: /readyz says so; the other metrics still answer.
    }
    return c.text(await deps.metrics.registry.metrics(), 200, { 'content-type': deps.metrics.registry.contentType })
  })

  app.get('/openapi.json', (c) =>
    c.json(
      app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: { title: 'sendgate', version: '0.1.0', description: 'Channel-agnostic message delivery gateway' },
        servers: [{ url: deps.config.PUBLIC_URL }],
      }),
    ),
  )
}
