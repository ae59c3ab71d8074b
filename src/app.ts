import { OpenAPIHono } from '@hono/zod-openapi'
import { ajoErrorBody } from './bridge/ajo/ajo-error.ts'
import { GatewayError } from './domain/errors.ts'
import type { GatewayDeps } from './http/gateway-deps.ts'
import { inflightLimit } from './http/middleware/inflight-limit.ts'
import { requestId } from './http/middleware/request-id.ts'
import { problemResponse, toGatewayError } from './http/problem.ts'
import { registerAjoRoutes } from './http/routes/ajo.ts'
import { registerAllowlistRoutes } from './http/routes/allowlist.ts'
import { registerBenchRoutes } from './http/routes/bench.ts'
import { registerCallbackRoutes } from './http/routes/callbacks.ts'
import { registerCampaignRestRoutes } from './http/routes/campaign-rest.ts'
import { registerCampaignSoapRoutes } from './http/routes/campaign-soap.ts'
import { registerConsentRoutes } from './http/routes/consents.ts'
import { registerDeadLetterRoutes } from './http/routes/dead-letters.ts'
import { registerEmailWebhookRoutes } from './http/routes/email-webhooks.ts'
import { registerMessageRoutes } from './http/routes/messages.ts'
import { registerOAuthRoutes } from './http/routes/oauth.ts'
import { registerOperationsRoutes } from './http/routes/operations.ts'
import { registerOutboxRoutes } from './http/routes/outbox.ts'
import { registerSmsOptOutRoutes } from './http/routes/sms-opt-outs.ts'
import { registerStatsRoutes } from './http/routes/stats.ts'
import { registerSuppressionRoutes } from './http/routes/suppressions.ts'
import { registerTwilioWebhookRoutes } from './http/routes/twilio-webhooks.ts'
import { registerUnsubscribeRoutes } from './http/routes/unsubscribe.ts'

/** Route groups, in mounting order. A new resource is one file in http/routes and one line here. */
const routeGroups = [
  registerOperationsRoutes,
  registerOAuthRoutes,
  registerDeadLetterRoutes,
  registerMessageRoutes,
  registerCallbackRoutes,
  registerOutboxRoutes,
  registerSuppressionRoutes,
  registerAllowlistRoutes,
  registerConsentRoutes,
  registerTwilioWebhookRoutes,
  registerSmsOptOutRoutes,
  registerStatsRoutes,
  registerUnsubscribeRoutes,
  registerEmailWebhookRoutes,
  registerCampaignSoapRoutes,
  registerAjoRoutes,
  // Last: the Adobe path /:org/campaign/:api/:eventId is the widest pattern.
  registerCampaignRestRoutes,
]

/** Builds the HTTP app from its dependencies; reads no environment (STYLE: only server.ts does). */
export function createApp(deps: GatewayDeps): OpenAPIHono {
  const app = new OpenAPIHono()
  app.use('*', requestId())
  const limit = inflightLimit({ max: deps.config.MAX_INFLIGHT })
  app.use('/v1/*', limit)
  app.use('/ajo/*', limit)
  app.use('/nl/*', limit)
  if (deps.config.BENCH) app.use('/__bench/*', limit)

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
