import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { hasScope } from '../../auth/credentials.ts'
import { campaignEventIntake } from '../../bridge/campaign/event-intake.ts'
import { campaignEventStore } from '../../bridge/campaign/event-store.ts'
import { parseUntrustedXml, XML_MAX_BYTES } from '../../bridge/campaign/safe-xml.ts'
import { soapPrincipal } from '../../bridge/campaign/soap-credentials.ts'
import { faultBody, pushEventResponse, type SoapFault } from '../../bridge/campaign/soap-envelope.ts'
import { readSoapCall, soapActionOf, splitAction } from '../../bridge/campaign/soap-request.ts'
import { GatewayError } from '../../domain/errors.ts'
import type { GatewayDeps } from '../gateway-deps.ts'
import { readBodyText } from '../read-json.ts'

const XML_TYPES = new Set(['text/xml', 'application/soap+xml', 'application/xml'])

/** Adobe's wording for a call it could not take, used for credentials and unreadable parameters. */
const readingError = (method: string, service: string) =>
  `Error while reading parameters of method '${method}' of service '${service}'.`

/**
 * `POST /nl/jsp/soaprouter.jsp`: Adobe Campaign Message Center `PushEvent(s)` for `nms:rtEvent` and
 * `nms:batchEvent` (SPEC section 10). Answers SOAP 1.1 envelopes and faults, never problem+json.
 */
export function registerCampaignSoapRoutes(app: OpenAPIHono, deps: GatewayDeps): void {
  const intake = campaignEventIntake({
    deps,
    events: campaignEventStore({ store: deps.store, ttlMs: deps.config.MESSAGE_RETENTION }),
  })

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/nl/jsp/soaprouter.jsp',
    summary: 'Adobe Campaign Message Center SOAP router (nms:rtEvent / nms:batchEvent PushEvent and PushEvents)',
    responses: { 200: { description: 'PushEventResponse / PushEventsResponse' }, 500: { description: 'SOAP fault' } },
  })
  app.post('/nl/jsp/soaprouter.jsp', async (c) => {
    const action = soapActionOf({ soapAction: c.req.header('soapaction'), contentType: c.req.header('content-type') })
    let { service, method } = splitAction(action)
    try {
      const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
      if (!XML_TYPES.has(type))
        return fault(c, {
          faultcode: 'SOAP-ENV:Client',
          faultstring: 'The XML SOAP message is invalid: the content type must be text/xml or application/soap+xml',
          status: 415,
        })
      const text = await readBodyText(c, XML_MAX_BYTES)
      const parsed = parseUntrustedXml(text)
      if (!parsed.ok)
        return fault(c, {
          faultcode: 'SOAP-ENV:Client',
          faultstring: `The XML SOAP message is invalid: ${parsed.reason}`,
          status: 500,
        })
      const call = readSoapCall(parsed.document, action)
      service = call.service
      method = call.method
      if (!call.ok) {
        const faultstring = call.kind === 'unknown-method' ? `${call.reason}.` : readingError(method, service)
        return fault(c, { faultcode: 'SOAP-ENV:Client', faultstring, detail: call.reason, status: 500 })
      }
      const principal = await soapPrincipal(deps.keyring, {
        authorization: c.req.header('authorization'),
        sessiontoken: call.sessiontoken,
      })
      if (!principal || !hasScope(principal, 'send'))
        return fault(c, {
          faultcode: 'SOAP-ENV:Client',
          faultstring: readingError(method, service),
          detail: principal
            ? 'This key lacks the send scope. Connection denied.'
            : 'Invalid login or password. Connection denied.',
          status: 500,
        })
      const docs = await intake.push(principal, call.events, call.lane)
      return c.body(pushEventResponse({ service, method, plIds: docs.map((d) => d.pkey) }), 200, {
        'content-type': 'text/xml; charset=utf-8',
      })
    } catch (e) {
      return fault(c, faultOf(e, method, service, deps))
    }
  })
}

function faultOf(e: unknown, method: string, service: string, deps: GatewayDeps): SoapFault {
  if (e instanceof GatewayError) {
    if (e.code === 'PAYLOAD_TOO_LARGE')
      return {
        faultcode: 'SOAP-ENV:Client',
        faultstring: 'The XML SOAP message is invalid: the document is larger than 1 MB',
        status: 413,
      }
    if (e.status < 500) {
      const field = e.errors?.[0]
      const index = typeof e.extra.eventIndex === 'number' ? ` of event ${e.extra.eventIndex + 1}` : ''
      const faultstring = field
        ? `Invalid value for attribute '${field.path}'${index}: ${field.message}`
        : readingError(method, service)
      return { faultcode: 'SOAP-ENV:Client', faultstring, detail: e.message, status: 500 }
    }
    return { faultcode: 'SOAP-ENV:Server', faultstring: e.message, status: 500 }
  }
  deps.logger.error({ err: e }, 'SOAP router error')
  return { faultcode: 'SOAP-ENV:Server', faultstring: 'Internal error', status: 500 }
}

function fault(c: Context, f: SoapFault): Response {
  return c.body(faultBody(f), f.status as 500, { 'content-type': 'text/xml; charset=utf-8' })
}
