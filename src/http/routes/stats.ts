import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { ValidationError } from '../../domain/errors.ts'
import { parseOrThrow } from '../../pipeline/validate.ts'
import type { GatewayDeps } from '../gateway-deps.ts'
import { principalOf, requireScope } from '../middleware/auth.ts'

const MAX_BUCKETS = 1440

const querySchema = z.object({
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  step: z.coerce.number().int().min(1000).max(86_400_000).default(10_000),
})

/**
 * `GET /v1/stats?since=&step=` (admin): message counts per status change in time buckets kept by the
 * store, so every process and the console see the same traffic (SPEC section 12).
 */
export function registerStatsRoutes(app: OpenAPIHono, deps: GatewayDeps): void {
  app.get('/v1/stats', requireScope({ keyring: deps.keyring, scope: 'admin' }), async (c) => {
    const q = parseOrThrow(querySchema, c.req.query())
    const until = q.until ? Date.parse(q.until) : deps.clock.now()
    const since = q.since ? Date.parse(q.since) : until - 15 * 60_000
    if (since >= until)
      throw new ValidationError('since must be before until', [{ path: 'since', message: 'must be before until' }])
    if ((until - since) / q.step > MAX_BUCKETS)
      throw new ValidationError(`at most ${MAX_BUCKETS} buckets: widen step`, [
        { path: 'step', message: 'too many buckets' },
      ])
    const buckets = await deps.store.stats.series(principalOf(c).sandbox, since, until, q.step)
    return c.json({ step: q.step, buckets })
  })
}
