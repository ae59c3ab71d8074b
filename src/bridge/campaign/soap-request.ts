import { ctxToData } from './ctx-data.ts'
import type { CampaignEvent, EventLane } from './event-intake.ts'
import { attributeOf, childOf, childrenOf, textOf, type XmlNode, type XmlValue } from './safe-xml.ts'

/** Most events one call may carry (SPEC section 10). */
export const MAX_EVENTS = 1000

const services = {
  'nms:rtEvent': { element: 'rtEvent', lane: 'realtime' },
  'nms:batchEvent': { element: 'batchEvent', lane: 'batch' },
} as const satisfies Record<string, { element: string; lane: EventLane }>
type Service = keyof typeof services
const methods = ['PushEvent', 'PushEvents'] as const
type Method = (typeof methods)[number]

/** The `service#method` a call names: `SOAPAction`, else the `action` parameter of `application/soap+xml`. */
export function soapActionOf(headers: { soapAction?: string; contentType?: string }): string | undefined {
  const header = headers.soapAction
    ?.trim()
    .replace(/^"(.*)"$/, '$1')
    .trim()
  if (header) return header
  const m = /;\s*action\s*=\s*"?([^";]+)"?/i.exec(headers.contentType ?? '')
  return m?.[1]?.trim()
}

/** What a `PushEvent(s)` call asks, or why it cannot be read. */
export type SoapCall =
  | { ok: true; service: Service; method: Method; lane: EventLane; sessiontoken: string; events: CampaignEvent[] }
  | { ok: false; kind: 'unknown-method' | 'invalid'; service: string; method: string; reason: string }

/** The service and method named, before the body is read (for the faults' wording). */
export function splitAction(action: string | undefined): { service: string; method: string } {
  const [service = 'nms:rtEvent', method = 'PushEvent'] = (action ?? '').split('#')
  return { service: service || 'nms:rtEvent', method: method || 'PushEvent' }
}

const attributes = [
  'type',
  'email',
  'mobilePhone',
  'registrationToken',
  'origin',
  'wishedChannel',
  'externalId',
  'scheduled',
  'expiration',
] as const

function eventOf(node: XmlValue): CampaignEvent {
  const event: Record<string, unknown> = { type: attributeOf(node, 'type') ?? '', ctx: ctxToData(childOf(node, 'ctx')) }
  for (const name of attributes) {
    if (name === 'type') continue
    const value = attributeOf(node, name)
    if (value !== undefined) event[name] = value
  }
  return event as unknown as CampaignEvent
}

/** Event elements of a `domEventCollection`: direct children, or children of its wrapper (`<Events>`). */
function collectionEvents(collection: XmlValue | undefined, element: string): XmlValue[] {
  const direct = childrenOf(collection, element)
  if (direct.length || !collection || typeof collection === 'string' || Array.isArray(collection)) return direct
  return Object.keys(collection)
    .filter((key) => !key.startsWith('@_') && key !== '#text')
    .flatMap((key) => childrenOf(collection, key).flatMap((wrapper) => childrenOf(wrapper, element)))
}

function eventsIn(call: XmlValue, method: Method, element: string): XmlValue[] {
  return method === 'PushEvent'
    ? childrenOf(childOf(call, 'domEvent'), element)
    : collectionEvents(childOf(call, 'domEventCollection'), element)
}

const isService = (s: string): s is Service => Object.hasOwn(services, s)
const isMethod = (m: string): m is Method => (methods as readonly string[]).includes(m)

/**
 * Reads a parsed Message Center envelope (`nms:rtEvent` or `nms:batchEvent`, `PushEvent` or `PushEvents`).
 * Without a SOAPAction the method is the Body's element and the service follows the event elements.
 */
export function readSoapCall(document: XmlNode, action: string | undefined): SoapCall {
  const body = childOf(childOf(document, 'Envelope'), 'Body')
  const named = splitAction(action)
  if (!body || typeof body === 'string')
    return { ok: false, kind: 'invalid', ...named, reason: 'no SOAP Envelope/Body' }
  const method = action ? named.method : (methods.find((m) => childOf(body, m) !== undefined) ?? named.method)
  if (!isMethod(method) || (action && !isService(named.service)))
    return {
      ok: false,
      kind: 'unknown-method',
      ...named,
      reason: `Method '${named.method}' of service '${named.service}' is unknown`,
    }
  const call = childOf(body, method)
  if (!call || typeof call === 'string')
    return { ok: false, kind: 'invalid', service: named.service, method, reason: `the Body has no ${method} element` }
  let service: Service = isService(named.service) ? named.service : 'nms:rtEvent'
  if (!action && eventsIn(call, method, 'rtEvent').length === 0 && eventsIn(call, method, 'batchEvent').length > 0)
    service = 'nms:batchEvent'
  const { element, lane } = services[service]
  const sessiontoken = textOf(childOf(call, 'sessiontoken')).trim()
  const nodes = eventsIn(call, method, element)
  if (method === 'PushEvent' && nodes.length !== 1)
    return { ok: false, kind: 'invalid', service, method, reason: `domEvent must hold exactly one <${element}>` }
  if (nodes.length === 0)
    return { ok: false, kind: 'invalid', service, method, reason: `domEventCollection holds no <${element}>` }
  if (nodes.length > MAX_EVENTS)
    return { ok: false, kind: 'invalid', service, method, reason: `more than ${MAX_EVENTS} events in one call` }
  return { ok: true, service, method, lane, sessiontoken, events: nodes.map(eventOf) }
}
