import { OpenAPIHono } from '@hono/zod-openapi'
import { ajoErrorBody } from '../bridge/ajo/ajo-error.ts'
import { GatewayError } from '../domain/errors.ts'
import type { GatewayDeps } from './gateway-deps.ts'
import { inflightLimit } from './middleware/inflight-limit.ts'
import { requestId } from './middleware/request-id.ts'
import { problemResponse, toGatewayError } from './problem.ts'
import { registerBenchRoutes } from './routes/bench.ts'

/** Mounts one resource's routes. */
export type RouteGroup = (app: OpenAPIHono, deps: GatewayDeps) => void

/**
 * The HTTP app around a list of route groups: request ids, load shedding, and one error handler writing
 * problem+json (Adobe's body on /ajo). The Node server and the Worker front door differ only in the list,
 * so both answer a request identically. Reads no environment.
 */
export function composeApp(deps: GatewayDeps, routeGroups: readonly RouteGroup[]): OpenAPIHono {
  const app = new OpenAPIHono()
  app.use('*', requestId())
  const limit = inflightLimit({ max: deps.config.MAX_INFLIGHT })
  for (const path of ['/v1/*', '/ajo/*', '/nl/*', ...(deps.config.BENCH ? ['/__bench/*'] : [])]) app.use(path, limit)

  for (const register of routeGroups) register(app, deps)
  if (deps.config.BENCH) registerBenchRoutes(app, deps)

  app.notFound((c) => problemResponse(c, new GatewayError('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`)))
  app.onError((error, c) => {
    const gatewayError = toGatewayError(error)
    if (gatewayError.code === 'INTERNAL')
      deps.logger.error({ err: error, requestId: c.get('requestId') }, 'unhandled error')
    if (c.req.path.startsWith('/ajo/'))
      return c.json(ajoErrorBody(gatewayError, {}), gatewayError.status as 503, gatewayError.headers)
    return problemResponse(c, gatewayError)
  })
  return app
}
