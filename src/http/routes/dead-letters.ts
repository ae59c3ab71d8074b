import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from '@hono/zod-openapi'
import { callbackMetrics } from '../../callbacks/callback-metrics.ts'
import {
  type ReplayDeps,
  replayableStatuses,
  replayMatching,
  replayMessage,
} from '../../callbacks/dead-letter-replay.ts'
import { ConflictError, NotFoundError } from '../../domain/errors.ts'
import { channels } from '../../domain/message.ts'
import { messageView } from '../../pipeline/message-view.ts'
import { parseOrThrow } from '../../pipeline/validate.ts'
import type { GatewayDeps } from '../gateway-deps.ts'
import { principalOf, requireScope } from '../middleware/auth.ts'
import { readJson } from '../read-json.ts'

const replayRequestSchema = z
  .object({
    status: z.enum(replayableStatuses),
    channel: z.enum(channels).optional(),
    code: z.string().min(1).max(200).optional(),
    since: z.iso.datetime({ offset: true }).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .openapi('ReplayRequest')

/**
 * Dead letters (SPEC section 12): `POST /v1/messages/:id/retry` sends one failed, expired or capped
 * message again; `POST /v1/messages/replay` does it for every match of a filter (e.g. all `HTTP_503`
 * failures of an outage window) and answers `{requeued, suppressed}`.
 */
export function registerDeadLetterRoutes(app: OpenAPIHono, deps: GatewayDeps): void {
  const send = requireScope({ keyring: deps.keyring, scope: 'send' })
  const replayDeps: ReplayDeps = {
    store: deps.store,
    status: deps.status,
    clock: deps.clock,
    logger: deps.logger,
    smsSender: deps.config.smsSender,
    metrics: callbackMetrics(deps.metrics.registry),
  }

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/messages/replay',
    summary: 'Re-queue every failed, expired or capped message matching a filter',
    tags: ['messages'],
    request: { body: { content: { 'application/json': { schema: replayRequestSchema } } } },
    responses: { 200: { description: '{requeued, suppressed}' }, 400: { description: 'Invalid filter' } },
  })
  app.post('/v1/messages/replay', send, async (c) => {
    const principal = principalOf(c)
    const { value } = await readJson(c)
    const filter = parseOrThrow(replayRequestSchema, value)
    const counts = await replayMatching(replayDeps, principal.sandbox, filter, { by: principal.keyId })
    if (counts.requeued > 0) deps.dispatcher.nudge()
    return c.json(counts, 200)
  })

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/messages/{id}/retry',
    summary: 'Re-queue one failed, expired or capped message (same id, new attempt series)',
    tags: ['messages'],
    request: { params: z.object({ id: z.string() }) },
    responses: {
      200: { description: 'Suppressed meanwhile: the message ends suppressed' },
      202: { description: 'Queued again' },
      404: { description: 'No such message' },
      409: { description: 'Not failed, expired or capped' },
    },
  })
  app.post('/v1/messages/:id/retry', send, async (c) => {
    const principal = principalOf(c)
    const message = await deps.store.messages.get(principal.sandbox, c.req.param('id'))
    if (!message) throw new NotFoundError('Message')
    const result = await replayMessage(replayDeps, message, { by: principal.keyId })
    switch (result.outcome) {
      case 'conflict':
        throw new ConflictError(
          `A ${result.message.status} message cannot be retried: only ${replayableStatuses.join(', ')} messages can`,
        )
      case 'suppressed':
        return c.json(messageView(result.message), 200)
      case 'requeued':
        deps.dispatcher.nudge()
        return c.json(messageView(result.message), 202)
    }
  })
}
