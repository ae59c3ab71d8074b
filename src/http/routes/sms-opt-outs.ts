/**
 * `GET /v1/sms-opt-outs/:phone` (SPEC section 7): SMS opt-outs belong to the sending number, not to a
 * sandbox, so any sandbox may see them (read-only) to explain an `opted_out` outcome.
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import { NotFoundError, ValidationError } from '../../domain/errors.ts'
import { normalizePhone } from '../../pipeline/recipients.ts'
import type { GatewayDeps } from '../gateway-deps.ts'
import { requireScope } from '../middleware/auth.ts'

/** Registers the read-only opt-out lookup (send scope). */
export function registerSmsOptOutRoutes(app: OpenAPIHono, deps: GatewayDeps): void {
  app.get('/v1/sms-opt-outs/:phone', requireScope({ keyring: deps.keyring, scope: 'send' }), async (c) => {
    const raw = c.req.param('phone')
    const phone = normalizePhone(raw, deps.config.SMS_DEFAULT_REGION)
    if (!phone)
      throw new ValidationError('Not a phone number', [{ path: 'phone', message: `Invalid format for value: ${raw}` }])
    const optOuts = await deps.store.smsOptOuts.listForPhone(phone)
    if (optOuts.length === 0) throw new NotFoundError('SMS opt-out')
    return c.json({ phone, optOuts: optOuts.map(({ sender, at }) => ({ sender, at })) })
  })
}
