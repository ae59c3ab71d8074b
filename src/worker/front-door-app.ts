import type { OpenAPIHono } from '@hono/zod-openapi'
import { composeApp, type RouteGroup } from '../http/compose-app.ts'
import type { GatewayDeps } from '../http/gateway-deps.ts'
import { registerAjoRoutes } from '../http/routes/ajo.ts'
import { registerCampaignRestRoutes } from '../http/routes/campaign-rest.ts'
import { registerCampaignSoapRoutes } from '../http/routes/campaign-soap.ts'
import { registerMessageRoutes } from '../http/routes/messages.ts'
import { registerOAuthRoutes } from '../http/routes/oauth.ts'
import { registerOperationsRoutes } from '../http/routes/operations.ts'

/**
 * The route groups of the intake front door: health, OAuth tokens (what AJO custom actions fetch), messages
 * (send, batch, read), Campaign REST and SOAP, and AJO executions. Configuration, suppression, webhooks and
 * the console stay on Node, and so does anything importing a delivery SDK (the Twilio webhook route does).
 */
export const frontDoorRouteGroups: RouteGroup[] = [
  registerOperationsRoutes,
  registerOAuthRoutes,
  registerMessageRoutes,
  registerCampaignSoapRoutes,
  registerAjoRoutes,
  // Last, as in app.ts: the Adobe path /:org/campaign/:api/:eventId is the widest pattern.
  registerCampaignRestRoutes,
]

/** The front door's app: the same middleware, handlers and error answers as the Node server. */
export function createFrontDoorApp(deps: GatewayDeps): OpenAPIHono {
  return composeApp(deps, frontDoorRouteGroups)
}
