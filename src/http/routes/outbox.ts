import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { normalizeEmail, normalizePhone } from '../../pipeline/recipients.ts'
import { parseOrThrow } from '../../pipeline/validate.ts'
import type { GatewayDeps } from '../gateway-deps.ts'
import { principalOf, requireScope } from '../middleware/auth.ts'

const querySchema = z.object({
  to: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})

/** `GET /v1/outbox`: what the sandbox adapters "sent", newest first (SPEC section 9). */
export function registerOutboxRoutes(app: OpenAPIHono, deps: GatewayDeps): void {
  app.get('/v1/outbox', requireScope({ keyring: deps.keyring, scope: 'send' }), async (c) => {
    const q = parseOrThrow(querySchema, c.req.query())
    const to = q.to ? (normalizeEmail(q.to) ?? normalizePhone(q.to, deps.config.SMS_DEFAULT_REGION) ?? q.to) : undefined
    const items = await deps.store.outbox.list(principalOf(c).sandbox, { to, limit: q.limit })
    return c.json({ items })
  })
}
