/**
 * Endpoint (capping) configs in AJO's shape (SPEC section 6): validation with AJO's error codes, and the
 * compiled form the limiter uses once deployed. The 200/s throttling floor does not apply here.
 */
import { GatewayError } from '../domain/errors.ts'
import type { WindowLimit } from '../store/types.ts'
import type { LifecycleDocument } from './config-lifecycle.ts'
import { isObject, parseMethods } from './config-methods.ts'
import { parseUrlPattern, type UrlPattern } from './url-pattern.ts'

export const endpointServiceNames = ['action', 'dataSource'] as const
export type EndpointServiceName = (typeof endpointServiceNames)[number]
export const MAX_HTTP_CONNECTIONS = 400

export interface EndpointService {
  /** Unset at creation; -1 ("no limit") in a deployed snapshot. */
  maxHttpConnections?: number
  rating: { maxCallsCount: number; periodInMs: number }
}

export interface EndpointSettings {
  url: string
  methods: string[]
  services: Partial<Record<EndpointServiceName, EndpointService>>
}

export const endpointSettingKeys = ['url', 'methods', 'services'] as const satisfies ReadonlyArray<
  keyof EndpointSettings
>

export type EndpointConfigDocument = LifecycleDocument<EndpointSettings>

export interface ConfigWarning {
  code: string
  message: string
}

const fail = (code: string, message: string, path: string) =>
  new GatewayError(`ERR_ENDPOINTCONFIG_${code}`, message, { status: 400, errors: [{ path, message }] })

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1

/** Validates a POST/PUT body (throws GatewayError `ERR_ENDPOINTCONFIG_*`); warnings are AJO's `canDeploy` warnings. */
export function parseEndpointConfig(raw: unknown): { settings: EndpointSettings; warnings: ConfigWarning[] } {
  if (!isObject(raw)) throw fail('111', 'The payload must be a JSON object', '')
  const url = parseUrlPattern(raw.url)
  if (!url.ok) {
    if (url.problem === 'missing') throw fail('100', 'url is missing', 'url')
    if (url.problem === 'wildcard-host') throw fail('102', 'url may not have a wildcard in its host or port', 'url')
    throw fail('101', 'url is malformed: an absolute http(s) URL is expected', 'url')
  }
  const methods = parseMethods(raw.methods)
  if (methods === 'missing') throw fail('103', 'methods is missing or empty', 'methods')
  if (methods === 'invalid') throw fail('111', 'methods must be a list of HTTP methods', 'methods')
  if (raw.services === undefined || raw.services === null)
    throw fail('104', 'services.<name>.rating is missing', 'services')
  if (!isObject(raw.services)) throw fail('111', 'services must be an object', 'services')
  const names = Object.keys(raw.services)
  const unknown = names.find((n) => !(endpointServiceNames as readonly string[]).includes(n))
  if (unknown !== undefined)
    throw new GatewayError(
      'ERR_AUTHORING_ENDPOINTCONFIG_1',
      `Unknown service "${unknown}": expected action or dataSource`,
      {
        status: 400,
        errors: [{ path: `services.${unknown}`, message: 'expected action or dataSource' }],
      },
    )
  if (names.length === 0) throw fail('104', 'services.<name>.rating is missing', 'services')
  const services: EndpointSettings['services'] = {}
  const warnings: ConfigWarning[] = []
  for (const name of names as EndpointServiceName[]) {
    const service = raw.services[name]
    const path = `services.${name}`
    if (!isObject(service)) throw fail('111', `${path} must be an object`, path)
    const rating = service.rating
    if (rating === undefined || rating === null) throw fail('104', `${path}.rating is missing`, `${path}.rating`)
    if (!isObject(rating)) throw fail('111', `${path}.rating must be an object`, `${path}.rating`)
    if (!isPositiveInt(rating.maxCallsCount))
      throw fail('107', `${path}.rating.maxCallsCount must be an integer of at least 1`, `${path}.rating.maxCallsCount`)
    if (!isPositiveInt(rating.periodInMs))
      throw fail('108', `${path}.rating.periodInMs must be an integer of at least 1`, `${path}.rating.periodInMs`)
    const max = service.maxHttpConnections
    if (max !== undefined && max !== null && !(isPositiveInt(max) && max <= MAX_HTTP_CONNECTIONS))
      throw fail(
        '111',
        `${path}.maxHttpConnections must be an integer from 1 to ${MAX_HTTP_CONNECTIONS}`,
        `${path}.maxHttpConnections`,
      )
    const entry: EndpointService = { rating: { maxCallsCount: rating.maxCallsCount, periodInMs: rating.periodInMs } }
    if (typeof max === 'number') entry.maxHttpConnections = max
    else
      warnings.push({
        code: 'ERR_ENDPOINTCONFIG_106',
        message: `${path}.maxHttpConnections is not set: connections to the endpoint are not limited (-1)`,
      })
    services[name] = entry
  }
  return { settings: { url: (raw.url as string).trim(), methods, services }, warnings }
}

/** Warnings of stored settings (GET `canDeploy`). */
export function endpointWarnings(settings: EndpointSettings): ConfigWarning[] {
  return parseEndpointConfig(settings).warnings
}

/** What a deployment stores: an unset `maxHttpConnections` becomes -1, as in AJO. */
export function endpointSnapshot(settings: EndpointSettings): EndpointSettings {
  const services: EndpointSettings['services'] = {}
  for (const [name, s] of Object.entries(settings.services) as Array<[EndpointServiceName, EndpointService]>)
    services[name] = { ...s, maxHttpConnections: s.maxHttpConnections ?? -1 }
  return { url: settings.url, methods: [...settings.methods], services }
}

/** A deployed endpoint config, ready for matching. */
export interface DeployedEndpoint {
  uid: string
  pattern: UrlPattern
  methods: ReadonlySet<string>
  rating: WindowLimit
  /** Undefined when not limited. */
  maxHttpConnections?: number
}

/**
 * Compiles a document's deployed snapshot; null when not deployed. Custom actions use the `action`
 * service; a config with only `dataSource` caps them too (the gateway makes no data-source calls).
 */
export function deployedEndpointOf(doc: EndpointConfigDocument): DeployedEndpoint | null {
  const d = doc.deployedConfig
  if (!d) return null
  const parsed = parseUrlPattern(d.url)
  const service = d.services.action ?? d.services.dataSource
  if (!parsed.ok || !service) return null
  const max = service.maxHttpConnections
  return {
    uid: doc.uid,
    pattern: parsed.pattern,
    methods: new Set(d.methods.map((m) => m.toUpperCase())),
    rating: { limit: service.rating.maxCallsCount, windowMs: service.rating.periodInMs },
    ...(max !== undefined && max >= 1 ? { maxHttpConnections: max } : {}),
  }
}
