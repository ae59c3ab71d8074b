import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { normalizeEmail, normalizePhone } from '../../pipeline/recipients.ts'
import { fieldError, parseOrThrow } from '../../pipeline/validate.ts'
import type { ConsentChannel } from '../../store/types.ts'
import { invalidValueMessage } from '../../suppression/suppression-value.ts'
import type { GatewayDeps } from '../gateway-deps.ts'
import { principalOf, requireScope } from '../middleware/auth.ts'
import { MB, readJson } from '../read-json.ts'

/** MMS shares SMS consent: one phone, one marketing choice. */
const channelOf: Record<string, ConsentChannel> = { email: 'email', sms: 'sms', mms: 'sms', push: 'push' }
const MAX_TOKEN = 4096

const consentSchema = z.object({ marketing: z.boolean() }).strict().openapi('Consent')
const params = z.object({ channel: z.enum(['email', 'sms', 'mms', 'push']), address: z.string() })

/**
 * `GET|PUT /v1/consents/:channel/:address` (SPEC section 7): marketing consent per address. No record
 * means consent; `marketing: false` suppresses marketing messages only (`no_consent`), never transactional.
 */
export function registerConsentRoutes(app: OpenAPIHono, deps: GatewayDeps): void {
  const admin = requireScope({ keyring: deps.keyring, scope: 'admin' })
  const { store, config } = deps

  /** The path's channel and address in the form intake looks consent up with. */
  function targetOf(c: Context): { channel: ConsentChannel; address: string } {
    const channel = channelOf[c.req.param('channel') ?? '']
    if (!channel) throw fieldError('channel', 'must be one of email, sms, mms, push')
    const raw = c.req.param('address') ?? ''
    const address =
      channel === 'email'
        ? normalizeEmail(raw)
        : channel === 'sms'
          ? normalizePhone(raw, config.SMS_DEFAULT_REGION)
          : raw.length > 0 && raw.length <= MAX_TOKEN
            ? raw
            : null
    if (address === null) throw fieldError('address', invalidValueMessage(raw))
    return { channel, address }
  }

  async function view(sandbox: string, { channel, address }: { channel: ConsentChannel; address: string }) {
    const consent = await store.consents.get(sandbox, channel, address)
    return {
      channel,
      address,
      marketing: consent.marketing,
      ...(consent.updatedAt ? { updatedAt: consent.updatedAt } : {}),
    }
  }

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/consents/{channel}/{address}',
    summary: 'Marketing consent of an address (no record means consent)',
    tags: ['suppression'],
    request: { params },
    responses: { 200: { description: '{channel, address, marketing, updatedAt?}' } },
  })
  app.get('/v1/consents/:channel/:address', admin, async (c) => c.json(await view(principalOf(c).sandbox, targetOf(c))))

  app.openAPIRegistry.registerPath({
    method: 'put',
    path: '/v1/consents/{channel}/{address}',
    summary: 'Record marketing consent of an address',
    tags: ['suppression'],
    request: { params, body: { content: { 'application/json': { schema: consentSchema } } } },
    responses: { 200: { description: '{channel, address, marketing, updatedAt}' } },
  })
  app.put('/v1/consents/:channel/:address', admin, async (c) => {
    const sandbox = principalOf(c).sandbox
    const target = targetOf(c)
    const { value } = await readJson(c, MB)
    const { marketing } = parseOrThrow(consentSchema, value)
    await store.consents.set(sandbox, target.channel, target.address, marketing)
    return c.json(await view(sandbox, target), 200)
  })
}
