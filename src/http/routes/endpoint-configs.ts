import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { ConfiguredActionLimits } from '../../capping/action-limits.ts'
import { type ConfigResource, configResource } from '../../capping/config-resource.ts'
import {
  type EndpointSettings,
  endpointSettingKeys,
  endpointSnapshot,
  parseEndpointConfig,
} from '../../capping/endpoint-config.ts'
import { type ConfigErrorCode, GatewayError } from '../../domain/errors.ts'
import { parseOrThrow } from '../../pipeline/validate.ts'
import type { GatewayDeps } from '../gateway-deps.ts'
import { principalOf, requireScope } from '../middleware/auth.ts'
import { MB, readBodyText } from '../read-json.ts'

/** Route deps of the config APIs: `actionLimits` (when wired) has its cache dropped on every write. */
export type ConfigRouteDeps = GatewayDeps & { actionLimits?: Pick<ConfiguredActionLimits, 'invalidate'> }

const pageQuery = z.object({
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})

/** A config body is JSON whatever its content type says (AJO); anything else is the kind's "not JSON" code. */
async function readConfigJson(c: Context, notJsonCode: ConfigErrorCode): Promise<unknown> {
  const text = await readBodyText(c, MB)
  try {
    return JSON.parse(text)
  } catch {
    throw new GatewayError(notJsonCode, 'The body is not JSON', { status: 400 })
  }
}

/**
 * Mounts one AJO-style config resource: POST and GET list on the base, GET/PUT/DELETE on `/:uid`,
 * POST `/:uid/deploy`, `/:uid/undeploy` (204) and `/:uid/canDeploy`. Admin scope; scoped by sandbox.
 */
export function registerConfigRoutes<T extends object>(
  app: OpenAPIHono,
  deps: ConfigRouteDeps,
  resource: ConfigResource<T>,
  { notJsonCode }: { notJsonCode: ConfigErrorCode },
): void {
  const admin = requireScope({ keyring: deps.keyring, scope: 'admin' })
  const base = resource.spec.basePath
  const meta = (c: Context) => ({
    sandbox: principalOf(c).sandbox,
    by: principalOf(c).keyId,
    at: new Date(deps.clock.now()).toISOString(),
  })

  for (const [method, path, summary] of [
    ['post', base, `Create a ${resource.spec.label}`],
    ['get', base, `List ${resource.spec.label}s`],
    ['get', `${base}/{uid}`, `Read a ${resource.spec.label}`],
    ['put', `${base}/{uid}`, `Replace a ${resource.spec.label}'s settings`],
    ['delete', `${base}/{uid}`, `Delete a ${resource.spec.label} (forceDelete=true for a deployed one)`],
    ['post', `${base}/{uid}/deploy`, `Deploy a ${resource.spec.label}`],
    ['post', `${base}/{uid}/undeploy`, `Undeploy a ${resource.spec.label}`],
  ] as const)
    app.openAPIRegistry.registerPath({
      method,
      path,
      summary,
      responses: { 200: { description: 'AJO-compatible answer' } },
    })

  app.post(base, admin, async (c) => c.json(await resource.create(meta(c), await readConfigJson(c, notJsonCode)), 200))
  app.get(base, admin, async (c) => {
    const q = parseOrThrow(pageQuery, c.req.query())
    return c.json(
      await resource.list(principalOf(c).sandbox, { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) }),
    )
  })
  app.get(`${base}/:uid`, admin, async (c) => c.json(await resource.get(principalOf(c).sandbox, c.req.param('uid'))))
  app.put(`${base}/:uid`, admin, async (c) =>
    c.json(await resource.update(meta(c), c.req.param('uid'), await readConfigJson(c, notJsonCode)), 200),
  )
  app.delete(`${base}/:uid`, admin, async (c) =>
    c.json(await resource.remove(meta(c), c.req.param('uid'), { force: c.req.query('forceDelete') === 'true' }), 200),
  )
  app.post(`${base}/:uid/deploy`, admin, async (c) => {
    await resource.deploy(meta(c), c.req.param('uid'))
    return c.body(null, 204)
  })
  app.post(`${base}/:uid/undeploy`, admin, async (c) => {
    await resource.undeploy(meta(c), c.req.param('uid'))
    return c.body(null, 204)
  })
  app.post(`${base}/:uid/canDeploy`, admin, async (c) =>
    c.json(await resource.canDeploy(principalOf(c).sandbox, c.req.param('uid'))),
  )
}

/** `/v1/endpoint-configs`: AJO's capping API (SPEC section 6). */
export function registerEndpointConfigRoutes(app: OpenAPIHono, deps: ConfigRouteDeps): void {
  const resource = configResource<EndpointSettings>(
    {
      kind: 'endpoint',
      basePath: '/v1/endpoint-configs',
      label: 'endpoint config',
      keys: endpointSettingKeys,
      parse: parseEndpointConfig,
      snapshot: endpointSnapshot,
    },
    { configs: deps.store.configs, onChange: (sandbox) => deps.actionLimits?.invalidate(sandbox) },
  )
  registerConfigRoutes(app, deps, resource, { notJsonCode: 'ERR_ENDPOINTCONFIG_112' })
}
