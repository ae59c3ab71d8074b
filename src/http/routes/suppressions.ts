import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { type FieldError, GatewayError, NotFoundError, ValidationError } from '../../domain/errors.ts'
import { fieldError, parseOrThrow } from '../../pipeline/validate.ts'
import {
  type SuppressionEntry,
  type SuppressionFilter,
  type SuppressionKey,
  suppressionReasons,
  suppressionTypes,
} from '../../store/types.ts'
import { parseSuppressionCsv } from '../../suppression/suppression-csv.ts'
import { suppressionCsvStream } from '../../suppression/suppression-export.ts'
import { invalidValueMessage, normalizeDomain, normalizeSuppressionValue } from '../../suppression/suppression-value.ts'
import type { GatewayDeps } from '../gateway-deps.ts'
import { principalOf, requireScope } from '../middleware/auth.ts'
import { MB, readBodyText, readJson } from '../read-json.ts'

const MAX_ENTRIES = 1000
const WRITE_CHUNK = 1000

/** Timestamps are compared as ISO strings in the stores, so every one is written as `toISOString()` gives it. */
const isoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString())

const entrySchema = z
  .object({
    type: z.enum(suppressionTypes),
    value: z.string().min(1).max(4096),
    reason: z.enum(suppressionReasons).default('manual'),
    comment: z.string().max(1000).optional(),
    expiresAt: isoDate.optional(),
  })
  .strict()
const createSchema = z.array(entrySchema).min(1).max(MAX_ENTRIES)

const filterFields = {
  type: z.enum(suppressionTypes).optional(),
  reason: z.enum(suppressionReasons).optional(),
  since: isoDate.optional(),
  until: isoDate.optional(),
}
const listQuerySchema = z.object({
  ...filterFields,
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})
const exportQuerySchema = z.object(filterFields)
const bulkDeleteSchema = z.object({ ...filterFields, domain: z.string().min(1).max(253).optional() }).strict()
const keyParams = z.object({ type: z.enum(suppressionTypes), value: z.string() })
const dryRunSchema = z.object({ dryRun: z.enum(['true', 'false']).optional() })

function checkRange(filter: { since?: string; until?: string }): void {
  if (filter.since && filter.until && filter.since >= filter.until) throw fieldError('until', 'must be after since')
}

/**
 * `/v1/suppressions` (SPEC section 7): one list per sandbox for every channel. Values are stored in the
 * form intake looks them up with, so `Foo@Example.com` and `foo@example.com` are one entry.
 */
export function registerSuppressionRoutes(app: OpenAPIHono, deps: GatewayDeps): void {
  const admin = requireScope({ keyring: deps.keyring, scope: 'admin' })
  const { store, clock, config } = deps
  const region = config.SMS_DEFAULT_REGION
  const now = () => new Date(clock.now()).toISOString()

  /** The `:type/:value` of a path, normalised; 400 when the type or value is malformed. */
  function keyOf(c: Context): SuppressionKey {
    const type = c.req.param('type') ?? ''
    const raw = c.req.param('value') ?? ''
    if (!(suppressionTypes as readonly string[]).includes(type))
      throw fieldError('type', `must be one of ${suppressionTypes.join(', ')}`)
    const value = normalizeSuppressionValue(type as SuppressionKey['type'], raw, region)
    if (value === null) throw fieldError('value', invalidValueMessage(raw))
    return { type: type as SuppressionKey['type'], value }
  }

  async function addAll(sandbox: string, entries: SuppressionEntry[]): Promise<SuppressionEntry[]> {
    const stored: SuppressionEntry[] = []
    for (let i = 0; i < entries.length; i += WRITE_CHUNK)
      stored.push(...(await store.suppression.add(sandbox, entries.slice(i, i + WRITE_CHUNK))))
    return stored
  }

  document(app, 'post', '/v1/suppressions', 'Add suppression entries', {
    201: 'The stored entries',
    400: 'Invalid entries; nothing stored',
  })
  app.post('/v1/suppressions', admin, async (c) => {
    const sandbox = principalOf(c).sandbox
    const { value } = await readJson(c, MB)
    const items = parseOrThrow(createSchema, value)
    const createdAt = now()
    const errors: FieldError[] = []
    const entries = items.flatMap((item, i): SuppressionEntry[] => {
      const normalized = normalizeSuppressionValue(item.type, item.value, region)
      if (normalized === null) {
        errors.push({ path: `${i}.value`, message: invalidValueMessage(item.value) })
        return []
      }
      return [
        {
          type: item.type,
          value: normalized,
          reason: item.reason,
          source: 'api',
          createdAt,
          ...(item.comment !== undefined ? { comment: item.comment } : {}),
          ...(item.expiresAt !== undefined ? { expiresAt: item.expiresAt } : {}),
        },
      ]
    })
    if (errors.length)
      throw new ValidationError(`Invalid request: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors)
    return c.json({ items: await addAll(sandbox, entries) }, 201)
  })

  document(app, 'get', '/v1/suppressions', 'List suppression entries, newest first', { 200: '{items, nextCursor}' })
  app.get('/v1/suppressions', admin, async (c) => {
    const { cursor, limit, ...filter } = parseOrThrow(listQuerySchema, c.req.query())
    const page = await store.suppression.list(principalOf(c).sandbox, filter, { limit, ...(cursor ? { cursor } : {}) })
    return c.json({ items: page.items, nextCursor: page.nextCursor })
  })

  document(app, 'post', '/v1/suppressions/import', 'Import a CSV file (type,value,reason[,comment])', {
    200: '{imported, failed: [{line, value, reason}]}',
    413: 'Larger than 1 MB',
    415: 'Not text/csv',
  })
  app.post('/v1/suppressions/import', admin, async (c) => {
    const sandbox = principalOf(c).sandbox
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
    if (type !== 'text/csv') throw new GatewayError('UNSUPPORTED_MEDIA_TYPE', 'Imports are text/csv')
    const text = await readBodyText(c, MB)
    const { entries, failed } = parseSuppressionCsv(text, { defaultRegion: region, source: 'import', createdAt: now() })
    await addAll(sandbox, entries)
    return c.json({ imported: entries.length, failed }, 200)
  })

  document(app, 'get', '/v1/suppressions/export', 'The list as CSV, streamed', { 200: 'text/csv' })
  app.get('/v1/suppressions/export', admin, async (c) => {
    const filter = parseOrThrow(exportQuerySchema, c.req.query())
    const body = suppressionCsvStream({ store: store.suppression, sandbox: principalOf(c).sandbox, filter })
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="suppressions.csv"',
        'cache-control': 'no-store',
      },
    })
  })

  document(app, 'post', '/v1/suppressions/bulk-delete', 'Delete every entry matching a filter', {
    200: '{deleted}, or {matched} with ?dryRun=true',
    400: 'No filter given',
  })
  app.post('/v1/suppressions/bulk-delete', admin, async (c) => {
    const sandbox = principalOf(c).sandbox
    const { dryRun } = parseOrThrow(dryRunSchema, c.req.query())
    const { value } = await readJson(c, MB)
    const body = parseOrThrow(bulkDeleteSchema, value)
    const filter: SuppressionFilter = { ...body }
    if (body.domain !== undefined) {
      const domain = normalizeDomain(body.domain)
      if (!domain) throw fieldError('domain', invalidValueMessage(body.domain))
      filter.domain = domain
    }
    if (Object.values(filter).every((v) => v === undefined))
      throw new ValidationError('Give at least one filter: reason, domain, since, until or type', [
        { path: '(body)', message: 'needs at least one of reason, domain, since, until, type' },
      ])
    checkRange(filter)
    const count = await store.suppression.bulkDelete(sandbox, filter, dryRun === 'true')
    return c.json(dryRun === 'true' ? { matched: count } : { deleted: count })
  })

  document(app, 'get', '/v1/suppressions/{type}/{value}', 'One entry', { 200: 'The entry', 404: 'Not suppressed' })
  app.get('/v1/suppressions/:type/:value', admin, async (c) => {
    const entry = await store.suppression.get(principalOf(c).sandbox, keyOf(c))
    if (!entry) throw new NotFoundError('Suppression entry')
    return c.json(entry)
  })

  document(app, 'delete', '/v1/suppressions/{type}/{value}', 'Remove one entry', {
    204: 'Removed',
    404: 'Not suppressed',
  })
  app.delete('/v1/suppressions/:type/:value', admin, async (c) => {
    const removed = await store.suppression.remove(principalOf(c).sandbox, keyOf(c))
    if (!removed) throw new NotFoundError('Suppression entry')
    return c.body(null, 204)
  })
}

/** Lists a route in /openapi.json; the handlers validate with their own schemas. */
function document(
  app: OpenAPIHono,
  method: 'get' | 'post' | 'put' | 'delete',
  path: string,
  summary: string,
  responses: Record<number, string>,
): void {
  app.openAPIRegistry.registerPath({
    method,
    path,
    summary,
    tags: ['suppression'],
    ...(path.includes('{') ? { request: { params: keyParams } } : {}),
    responses: Object.fromEntries(Object.entries(responses).map(([status, description]) => [status, { description }])),
  })
}
