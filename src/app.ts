import type { OpenAPIHono } from '@hono/zod-openapi'
import { composeApp, type RouteGroup } from './http/compose-app.ts'
import type { GatewayDeps } from './http/gateway-deps.ts'
import { registerAjoRoutes } from './http/routes/ajo.ts'
import { registerAllowlistRoutes } from './http/routes/allowlist.ts'
import { registerCallbackRoutes } from './http/routes/callbacks.ts'
import { registerCampaignRestRoutes } from './http/routes/campaign-rest.ts'
import { registerCampaignSoapRoutes } from './http/routes/campaign-soap.ts'
import { registerConsentRoutes } from './http/routes/consents.ts'
import { registerConsoleRoutes } from './http/routes/console.ts'
import { registerDeadLetterRoutes } from './http/routes/dead-letters.ts'
import { registerEmailWebhookRoutes } from './http/routes/email-webhooks.ts'
import { registerEndpointConfigRoutes } from './http/routes/endpoint-configs.ts'
import { registerLimitsRoutes } from './http/routes/limits.ts'
import { registerMessageRoutes } from './http/routes/messages.ts'
import { registerOAuthRoutes } from './http/routes/oauth.ts'
import { registerOperationsRoutes } from './http/routes/operations.ts'
import { registerOutboxRoutes } from './http/routes/outbox.ts'
import { registerSmsOptOutRoutes } from './http/routes/sms-opt-outs.ts'
import { registerStatsRoutes } from './http/routes/stats.ts'
import { registerSuppressionRoutes } from './http/routes/suppressions.ts'
import { registerThrottlingConfigRoutes } from './http/routes/throttling-configs.ts'
import { registerTwilioWebhookRoutes } from './http/routes/twilio-webhooks.ts'
import { registerUnsubscribeRoutes } from './http/routes/unsubscribe.ts'

/** Route groups, in mounting order. A new resource is one file in http/routes and one line here. */
const routeGroups: RouteGroup[] = [
  registerOperationsRoutes,
  registerOAuthRoutes,
  registerDeadLetterRoutes,
  registerMessageRoutes,
  registerCallbackRoutes,
  registerOutboxRoutes,
  registerSuppressionRoutes,
  registerAllowlistRoutes,
  registerConsentRoutes,
  registerEndpointConfigRoutes,
  registerThrottlingConfigRoutes,
  registerLimitsRoutes,
  registerTwilioWebhookRoutes,
  registerSmsOptOutRoutes,
  registerStatsRoutes,
  registerUnsubscribeRoutes,
  registerEmailWebhookRoutes,
  registerConsoleRoutes,
  registerCampaignSoapRoutes,
  registerAjoRoutes,
  // Last: the Adobe path /:org/campaign/:api/:eventId is the widest pattern.
  registerCampaignRestRoutes,
]

/**
 * Builds the Node server's HTTP app. A `ROLE=dispatcher` process serves only health and metrics (SPEC
 * section 1); reads no environment (STYLE: only server.ts does).
 */
export function createApp(deps: GatewayDeps): OpenAPIHono {
  return composeApp(deps, deps.config.ROLE === 'dispatcher' ? [registerOperationsRoutes] : routeGroups)
}
