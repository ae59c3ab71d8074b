import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from '@hono/zod-openapi'
import { type FieldError, ValidationError } from '../../domain/errors.ts'
import { parseOrThrow } from '../../pipeline/validate.ts'
import { invalidValueMessage, normalizeAllowlistEntry } from '../../suppression/suppression-value.ts'
import type { GatewayDeps } from '../gateway-deps.ts'
import { principalOf, requireScope } from '../middleware/auth.ts'
import { MB, readJson } from '../read-json.ts'

const MAX_ENTRIES = 1000

const allowlistSchema = z
  .object({
    enabled: z.boolean(),
    entries: z.array(z.string().min(1).max(320)).max(MAX_ENTRIES).default([]),
  })
  .strict()
  .openapi('Allowlist')

/**
 * `GET|PUT /v1/allowlist` (SPEC section 7): while enabled, email goes only to the listed addresses and
 * domains — a safety net for staging sandboxes. Entries are normalised and de-duplicated as stored.
 */
export function registerAllowlistRoutes(app: OpenAPIHono, deps: GatewayDeps): void {
  const admin = requireScope({ keyring: deps.keyring, scope: 'admin' })
  const { store } = deps

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/allowlist',
    summary: 'The email allowlist',
    tags: ['suppression'],
    responses: { 200: { description: 'The allowlist', content: { 'application/json': { schema: allowlistSchema } } } },
  })
  app.get('/v1/allowlist', admin, async (c) => c.json(await store.allowlist.get(principalOf(c).sandbox)))

  app.openAPIRegistry.registerPath({
    method: 'put',
    path: '/v1/allowlist',
    summary: 'Replace the email allowlist',
    tags: ['suppression'],
    request: { body: { content: { 'application/json': { schema: allowlistSchema } } } },
    responses: {
      200: { description: 'The stored allowlist' },
      400: { description: 'Invalid entries; nothing stored' },
    },
  })
  app.put('/v1/allowlist', admin, async (c) => {
    const sandbox = principalOf(c).sandbox
    const { value } = await readJson(c, MB)
    const body = parseOrThrow(allowlistSchema, value)
    const errors: FieldError[] = []
    const entries = new Set<string>()
    body.entries.forEach((raw, i) => {
      const entry = normalizeAllowlistEntry(raw)
      if (entry === null) errors.push({ path: `entries.${i}`, message: invalidValueMessage(raw) })
      else entries.add(entry)
    })
    if (errors.length)
      throw new ValidationError(`Invalid request: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors)
    return c.json(await store.allowlist.set(sandbox, { enabled: body.enabled, entries: [...entries] }), 200)
  })
}
