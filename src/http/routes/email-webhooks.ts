import { createHash, timingSafeEqual } from 'node:crypto'
import { type OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { hasScope } from '../../auth/credentials.ts'
import { GatewayError } from '../../domain/errors.ts'
import { maskEmail } from '../../domain/mask.ts'
import type { MessageRecord, MessageStatus, TraceEntry } from '../../domain/message.ts'
import { normalizeEmail } from '../../pipeline/recipients.ts'
import { fieldError, parseOrThrow } from '../../pipeline/validate.ts'
import type { SuppressionReason } from '../../store/types.ts'
import type { GatewayDeps } from '../gateway-deps.ts'
import { readJson } from '../read-json.ts'

export const emailFeedbackSchema = z
  .object({
    type: z.enum(['bounce', 'complaint']),
    bounceType: z.enum(['hard', 'soft']).optional(),
    email: z.string().min(1),
    messageId: z.string().min(1).max(200).optional(),
    sandbox: z.string().min(1).max(200).optional(),
  })
  .refine((b) => b.type !== 'bounce' || b.bounceType !== undefined, {
    path: ['bounceType'],
    message: 'is required for a bounce: hard or soft',
  })

/** Where a reported bounce or complaint may move a message from: the provider had accepted it. */
const acceptedStatuses: readonly MessageStatus[] = ['sent', 'delivered']

const digest = (value: string) => createHash('sha256').update(value).digest()

/** Who is calling: an admin key (its sandbox) or the shared `WEBHOOK_SECRET` (the body names the sandbox). */
type Caller = { kind: 'key'; sandbox: string } | { kind: 'secret' }

async function callerOf(c: Context, deps: GatewayDeps): Promise<Caller> {
  const authorization = c.req.header('authorization')
  if (authorization) {
    const principal = await deps.keyring.fromHeader(authorization)
    if (!principal)
      throw new GatewayError('UNAUTHORIZED', 'Missing or invalid credentials', {
        headers: { 'www-authenticate': 'Bearer' },
      })
    if (!hasScope(principal, 'admin')) throw new GatewayError('FORBIDDEN', 'This key lacks the admin scope')
    return { kind: 'key', sandbox: principal.sandbox }
  }
  const given = c.req.header('x-webhook-secret')
  const secret = deps.config.WEBHOOK_SECRET
  // Digests have one length, so the comparison takes the same time whatever was sent.
  if (given !== undefined && secret && timingSafeEqual(digest(given), digest(secret))) return { kind: 'secret' }
  throw new GatewayError('UNAUTHORIZED', 'An admin key or X-Webhook-Secret is required', {
    headers: { 'www-authenticate': 'Bearer' },
  })
}

/**
 * `POST /v1/webhooks/email` (SPEC section 8): an ESP or MTA reports a bounce or complaint after the
 * SMTP server accepted the message. Hard bounces and complaints suppress the address at once; soft
 * bounces count toward `SOFT_BOUNCE_THRESHOLD`. With `messageId`, the `sent`/`delivered` message to
 * that address ends `failed` with `HARD_BOUNCE` or `COMPLAINT`. Answers 202.
 */
export function registerEmailWebhookRoutes(app: OpenAPIHono, deps: GatewayDeps): void {
  const { store, clock, status, config } = deps

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/webhooks/email',
    summary: 'Report a bounce or complaint (admin key, or X-Webhook-Secret with sandbox)',
    request: { body: { content: { 'application/json': { schema: emailFeedbackSchema } } } },
    responses: {
      202: { description: 'Recorded' },
      400: { description: 'Validation problem' },
      401: { description: 'No admin key and no valid X-Webhook-Secret' },
    },
  })
  app.post('/v1/webhooks/email', async (c) => {
    const caller = await callerOf(c, deps)
    const { value } = await readJson(c)
    const body = parseOrThrow(emailFeedbackSchema, value)
    const email = normalizeEmail(body.email)
    if (!email) throw fieldError('email', 'must be an email address')
    let sandbox: string
    if (caller.kind === 'key') {
      if (body.sandbox !== undefined && body.sandbox !== caller.sandbox)
        throw new GatewayError('FORBIDDEN', 'The sandbox in the body is not the key’s sandbox')
      sandbox = caller.sandbox
    } else {
      if (!body.sandbox) throw fieldError('sandbox', 'is required with X-Webhook-Secret')
      sandbox = body.sandbox
    }

    const at = new Date(clock.now()).toISOString()
    const key = { type: 'email' as const, value: email }
    const reason: SuppressionReason =
      body.type === 'complaint' ? 'complaint' : body.bounceType === 'soft' ? 'soft_bounce' : 'hard_bounce'
    let suppressed = false
    let softBounces: number | undefined
    if (reason === 'soft_bounce') {
      softBounces = await store.suppression.countSoftBounce(sandbox, key)
      suppressed = softBounces >= config.SOFT_BOUNCE_THRESHOLD
    } else {
      suppressed = true
    }
    if (suppressed) {
      const comment = body.messageId ? `reported for message ${body.messageId}` : undefined
      await store.suppression.add(sandbox, [
        { ...key, reason, source: 'webhook', createdAt: at, ...(comment ? { comment } : {}) },
      ])
    }

    let message: Pick<MessageRecord, 'id' | 'status'> | null = null
    if (body.messageId) {
      const record = await store.messages.get(sandbox, body.messageId)
      if (record && record.channel === 'email' && record.to === email) {
        const note: TraceEntry = {
          at,
          step: 'feedback',
          decision: reason,
          detail: { source: 'webhook', suppressed, ...(softBounces !== undefined ? { softBounces } : {}) },
        }
        const code = reason === 'complaint' ? 'COMPLAINT' : 'HARD_BOUNCE'
        const changed =
          reason !== 'soft_bounce' && acceptedStatuses.includes(record.status)
            ? await status.change(record, 'failed', {
                expectStatus: acceptedStatuses,
                set: {
                  error: { code, detail: `${body.type} reported by webhook after the provider accepted the message` },
                },
                trace: [note],
              })
            : await status.change(record, null, { trace: [note] })
        message = { id: record.id, status: (changed ?? record).status }
      }
    }

    return c.json(
      {
        accepted: true,
        email: maskEmail(email),
        reason,
        suppressed,
        ...(softBounces !== undefined ? { softBounces, threshold: config.SOFT_BOUNCE_THRESHOLD } : {}),
        message,
      },
      202,
    )
  })
}
