import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from '@hono/zod-openapi'
import { type CallbackConfig, readCallbackConfig, writeCallbackConfig } from '../../callbacks/callback-config.ts'
import { signingSecretFor } from '../../callbacks/callback-signature.ts'
import { checkUrl } from '../../domain/action-url.ts'
import { ValidationError } from '../../domain/errors.ts'
import { statuses } from '../../domain/message.ts'
import { parseOrThrow } from '../../pipeline/validate.ts'
import type { GatewayDeps } from '../gateway-deps.ts'
import { principalOf, requireScope } from '../middleware/auth.ts'
import { readJson } from '../read-json.ts'

const callbackConfigSchema = z
  .object({
    url: z.string().min(1).max(2048),
    events: z.array(z.enum(statuses)).min(1).max(statuses.length).optional(),
  })
  .strict()
  .openapi('CallbackConfig')

const callbackViewSchema = z
  .object({
    url: z.string().optional(),
    events: z.array(z.enum(statuses)).optional(),
    signingSecret: z.string(),
  })
  .openapi('CallbackView')

/**
 * `GET|PUT|DELETE /v1/callbacks` (SPEC section 12): the sandbox's default status callback, used by
 * messages without their own `callbackUrl`, and the secret receivers verify signatures with.
 */
export function registerCallbackRoutes(app: OpenAPIHono, deps: GatewayDeps): void {
  const admin = requireScope({ keyring: deps.keyring, scope: 'admin' })
  const { store, config } = deps
  const view = (sandbox: string, stored: CallbackConfig | null) => ({
    ...(stored ?? {}),
    signingSecret: signingSecretFor(sandbox, config.AUTH_SECRET),
  })

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/callbacks',
    summary: 'The default status callback and the signing secret',
    tags: ['callbacks'],
    responses: { 200: { description: 'Config', content: { 'application/json': { schema: callbackViewSchema } } } },
  })
  app.get('/v1/callbacks', admin, async (c) => {
    const sandbox = principalOf(c).sandbox
    return c.json(view(sandbox, await readCallbackConfig(store.configs, sandbox)))
  })

  app.openAPIRegistry.registerPath({
    method: 'put',
    path: '/v1/callbacks',
    summary: 'Set the default status callback (same URL rules as custom actions)',
    tags: ['callbacks'],
    request: { body: { content: { 'application/json': { schema: callbackConfigSchema } } } },
    responses: {
      200: { description: 'Stored', content: { 'application/json': { schema: callbackViewSchema } } },
      400: { description: 'Invalid URL or statuses; nothing stored' },
    },
  })
  app.put('/v1/callbacks', admin, async (c) => {
    const sandbox = principalOf(c).sandbox
    const { value } = await readJson(c)
    const body = parseOrThrow(callbackConfigSchema, value)
    const errors = checkUrl(body.url, { allowPrivate: config.ACTIONS_ALLOW_PRIVATE, path: 'url' })
    if (errors.length)
      throw new ValidationError(`Invalid request: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors)
    const stored: CallbackConfig = { url: body.url, ...(body.events ? { events: [...new Set(body.events)] } : {}) }
    await writeCallbackConfig(store.configs, sandbox, stored)
    return c.json(view(sandbox, stored), 200)
  })

  app.openAPIRegistry.registerPath({
    method: 'delete',
    path: '/v1/callbacks',
    summary: 'Remove the default status callback',
    tags: ['callbacks'],
    responses: { 204: { description: 'Removed (or there was none)' } },
  })
  app.delete('/v1/callbacks', admin, async (c) => {
    await store.configs.remove(principalOf(c).sandbox, 'callbacks', 'default')
    return c.body(null, 204)
  })
}
