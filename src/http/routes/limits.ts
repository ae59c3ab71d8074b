import type { OpenAPIHono } from '@hono/zod-openapi'
import type { ConfiguredActionLimits } from '../../capping/action-limits.ts'
import { limitsView } from '../../capping/limits-view.ts'
import type { GatewayDeps } from '../gateway-deps.ts'
import { principalOf, requireScope } from '../middleware/auth.ts'

/** `GET /v1/limits` (admin): each active limit key of the sandbox with its use (SPEC section 12). */
export function registerLimitsRoutes(
  app: OpenAPIHono,
  deps: GatewayDeps & { actionLimits?: Pick<ConfiguredActionLimits, 'deployed' | 'recentHosts'> },
): void {
  const admin = requireScope({ keyring: deps.keyring, scope: 'admin' })
  const { config } = deps
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/limits',
    summary: 'Active limit keys of the sandbox: caps, throttles, pacing',
    responses: { 200: { description: '{items: [{key, kind, limit, windowMs, used, slow?, queued?}]}' } },
  })
  app.get('/v1/limits', admin, async (c) => {
    const items = await limitsView(principalOf(c).sandbox, {
      store: deps.store,
      ...(deps.actionLimits ? { limits: deps.actionLimits } : {}),
      defaultCap: config.DEFAULT_CAP,
      slowCap: config.SLOW_CAP,
      slowEndpointMs: config.SLOW_ENDPOINT_MS,
      transactionalRate: config.TRANSACTIONAL_RATE,
    })
    return c.json({ items })
  })
}
