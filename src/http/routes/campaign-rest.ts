import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { campaignEventIntake } from '../../bridge/campaign/event-intake.ts'
import { isEventPKey } from '../../bridge/campaign/event-pkey.ts'
import { type CampaignEventView, campaignEventStore } from '../../bridge/campaign/event-store.ts'
import { NotFoundError } from '../../domain/errors.ts'
import { fieldError, parseOrThrow } from '../../pipeline/validate.ts'
import type { GatewayDeps } from '../gateway-deps.ts'
import { principalOf, requireScope } from '../middleware/auth.ts'
import { MB, readJson } from '../read-json.ts'

const eventIdPattern = /^EVT[A-Za-z0-9_-]{1,64}$/

/** Message Center REST event body (Adobe's transactional messaging API); unknown fields are ignored. */
export const campaignEventBodySchema = z
  .object({
    email: z.string().max(320).nullish(),
    mobilePhone: z.string().max(64).nullish(),
    registrationToken: z.string().max(4096).nullish(),
    ctx: z.record(z.string(), z.unknown()),
    scheduled: z.string().max(64).nullish(),
    expiration: z.string().max(64).nullish(),
    wishedChannel: z.union([z.number().int(), z.string().max(8)]).nullish(),
    externalId: z.string().max(255).nullish(),
    origin: z.string().max(255).nullish(),
  })
  .openapi('CampaignEvent')

const present = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value)

/**
 * Message Center REST (SPEC section 10): `POST /v1/campaign/:eventId` and Adobe's
 * `POST /:org/campaign/:api/:eventId` (201 `{PKey, href, status}`), and `GET` of either plus `/:pkey`.
 */
export function registerCampaignRestRoutes(app: OpenAPIHono, deps: GatewayDeps): void {
  const send = requireScope({ keyring: deps.keyring, scope: 'send' })
  const events = campaignEventStore({ store: deps.store, ttlMs: deps.config.MESSAGE_RETENTION })
  const intake = campaignEventIntake({ deps, events })

  function eventIdOf(c: Context): string {
    const eventId = c.req.param('eventId') ?? ''
    if (!eventIdPattern.test(eventId)) throw fieldError('eventId', 'must match ^EVT[A-Za-z0-9_-]{1,64}$')
    return eventId
  }

  async function post(c: Context, hrefBase: string): Promise<Response> {
    const principal = principalOf(c)
    const eventId = eventIdOf(c)
    const { value } = await readJson(c, MB)
    const body = parseOrThrow(campaignEventBodySchema, value)
    const [doc] = await intake.push(principal, [
      {
        type: eventId.slice(3),
        ctx: body.ctx,
        email: present(body.email),
        mobilePhone: present(body.mobilePhone),
        registrationToken: present(body.registrationToken),
        wishedChannel: present(body.wishedChannel),
        scheduled: present(body.scheduled),
        expiration: present(body.expiration),
        externalId: present(body.externalId),
        origin: present(body.origin),
      },
    ])
    if (!doc) throw new Error('event intake answered no document')
    return c.json({ PKey: doc.pkey, href: `${hrefBase}/${eventId}/${doc.pkey}`, status: 'pending' }, 201)
  }

  async function get(c: Context, hrefBase: string): Promise<Response> {
    const principal = principalOf(c)
    const eventId = eventIdOf(c)
    const pkey = c.req.param('pkey') ?? ''
    const event = isEventPKey(pkey) ? await events.get(principal.sandbox, pkey) : null
    if (!event || `EVT${event.type}` !== eventId) throw new NotFoundError('Event')
    return c.json(eventView(event, eventId, `${hrefBase}/${eventId}/${pkey}`))
  }

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/campaign/{eventId}',
    summary: 'Push a Message Center event (Adobe Campaign transactional messaging REST)',
    request: { body: { content: { 'application/json': { schema: campaignEventBodySchema } } } },
    responses: { 201: { description: '{PKey, href, status:"pending"}' }, 400: { description: 'Malformed event' } },
  })
  app.post('/v1/campaign/:eventId', send, (c) => post(c, '/v1/campaign'))
  app.get('/v1/campaign/:eventId/:pkey', send, (c) => get(c, '/v1/campaign'))
  app.post('/:org/campaign/:api/:eventId', send, (c) => post(c, c.req.param('api') ?? ''))
  app.get('/:org/campaign/:api/:eventId/:pkey', send, (c) => get(c, c.req.param('api') ?? ''))
}

/** `GET` answer: Adobe's `{PKey, status, eventId, href}` plus what the gateway knows of the event. */
function eventView(event: CampaignEventView, eventId: string, href: string): Record<string, unknown> {
  return {
    PKey: event.pkey,
    eventId,
    status: event.status,
    href,
    created: event.createdAt,
    ...(event.externalId ? { externalId: event.externalId } : {}),
    ...(event.channel ? { channel: event.channel } : {}),
    ...(event.template ? { template: event.template } : {}),
    ...(event.messageId ? { messageId: event.messageId } : {}),
    ...(event.reason ? { reason: event.reason } : {}),
  }
}
