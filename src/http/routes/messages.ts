import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from '@hono/zod-openapi'
import { GatewayError, NotFoundError } from '../../domain/errors.ts'
import { cancelableStatuses, channels, statuses } from '../../domain/message.ts'
import { batchRequestSchema, messageRequestSchema, messageResponseSchema } from '../../pipeline/message-request.ts'
import { messageView } from '../../pipeline/message-view.ts'
import { normalizeEmail, normalizePhone } from '../../pipeline/recipients.ts'
import { preferredWait, submitMessage } from '../../pipeline/submit.ts'
import { parseOrThrow } from '../../pipeline/validate.ts'
import type { GatewayDeps } from '../gateway-deps.ts'
import { principalOf, requireScope } from '../middleware/auth.ts'
import { problemOf, toGatewayError } from '../problem.ts'
import { MB, readJson } from '../read-json.ts'

export const listQuerySchema = z.object({
  status: z.enum(statuses).optional(),
  channel: z.enum(channels).optional(),
  to: z.string().optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  code: z.string().optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})

/** `/v1/messages`: send, batch, read, list, cancel (SPEC section 4). */
export function registerMessageRoutes(app: OpenAPIHono, deps: GatewayDeps): void {
  const send = requireScope({ keyring: deps.keyring, scope: 'send' })
  const { store, config } = deps

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/messages',
    summary: 'Send one message',
    request: { body: { content: { 'application/json': { schema: messageRequestSchema } } } },
    responses: {
      200: { description: 'Suppressed at intake, or the synchronous outcome (Prefer: wait)' },
      202: { description: 'Queued', content: { 'application/json': { schema: messageResponseSchema } } },
      400: { description: 'Validation problem' },
      422: { description: 'Template or content problem' },
      429: { description: 'Capped' },
    },
  })
  app.post('/v1/messages', send, async (c) => {
    const principal = principalOf(c)
    const { value } = await readJson(c, MB)
    const answer = await submitMessage(deps, principal, value, {
      idempotencyKey: c.req.header('idempotency-key'),
      waitSeconds: preferredWait(c.req.header('prefer')),
    })
    return c.json(answer.body, answer.status as 200, answer.headers)
  })

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/messages/batch',
    summary: 'Send up to 1,000 messages, each judged alone',
    request: { body: { content: { 'application/json': { schema: batchRequestSchema } } } },
    responses: { 200: { description: '{results: [{index, id?, status, error?}]}' } },
  })
  app.post('/v1/messages/batch', send, async (c) => {
    const principal = principalOf(c)
    const { value } = await readJson(c, 10 * MB)
    const { messages } = parseOrThrow(batchRequestSchema, value)
    const results = []
    for (const [index, item] of messages.entries()) {
      try {
        const { idempotencyKey, ...raw } = (item && typeof item === 'object' ? item : {}) as Record<string, unknown>
        const answer = await submitMessage(deps, principal, item && typeof item === 'object' ? raw : item, {
          idempotencyKey: typeof idempotencyKey === 'string' ? idempotencyKey : undefined,
        })
        results.push({
          index,
          id: answer.body.id,
          status: answer.body.status,
          ...(answer.body.reason ? { reason: answer.body.reason } : {}),
        })
      } catch (e) {
        const error = toGatewayError(e)
        if (error.code === 'INTERNAL' || error.code === 'STORE_UNAVAILABLE') throw e
        const problem = problemOf(error, c.get('requestId'))
        const id = error.extra.messageId
        results.push({
          index,
          ...(typeof id === 'string' ? { id } : {}),
          status: error.code === 'CAPPED' ? 'capped' : 'rejected',
          error: problem,
        })
      }
    }
    deps.dispatcher.nudge()
    return c.json({ results }, 200)
  })

  app.get('/v1/messages', send, async (c) => {
    const principal = principalOf(c)
    const q = parseOrThrow(listQuerySchema, c.req.query())
    const to = q.to ? (normalizeEmail(q.to) ?? normalizePhone(q.to, config.SMS_DEFAULT_REGION) ?? q.to) : undefined
    const page = await store.messages.list(
      principal.sandbox,
      { status: q.status, channel: q.channel, to, since: q.since, until: q.until, code: q.code },
      { cursor: q.cursor, limit: q.limit },
    )
    return c.json({ items: page.items.map(messageView), nextCursor: page.nextCursor })
  })

  app.get('/v1/messages/:id', send, async (c) => {
    const m = await store.messages.get(principalOf(c).sandbox, c.req.param('id'))
    if (!m) throw new NotFoundError('Message')
    return c.json(messageView(m))
  })

  app.post('/v1/messages/:id/cancel', send, async (c) => {
    const principal = principalOf(c)
    const m = await store.messages.get(principal.sandbox, c.req.param('id'))
    if (!m) throw new NotFoundError('Message')
    const changed = await deps.status.change(m, 'canceled', {
      expectStatus: [...cancelableStatuses],
      trace: [{ at: deps.status.at(), step: 'cancel', decision: 'canceled', detail: { by: principal.keyId } }],
    })
    if (!changed) throw new GatewayError('CONFLICT', `A ${m.status} message cannot be canceled`)
    return c.json(messageView(changed))
  })
}
