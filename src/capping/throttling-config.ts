/**
 * Throttling configs in AJO's shape (SPEC section 6): calls over the rate wait in a queue instead of being
 * dropped. maxThroughput has AJO's floor of 200/s and ceiling of 5,000/s; one config per sandbox.
 */
import { GatewayError } from '../domain/errors.ts'
import type { LifecycleDocument } from './config-lifecycle.ts'
import { isObject, parseMethods } from './config-methods.ts'
import { parseUrlPattern, type UrlPattern } from './url-pattern.ts'

export const MIN_THROUGHPUT = 200
export const MAX_THROUGHPUT = 5000

export interface ThrottlingSettings {
  name?: string
  description?: string
  urlPattern: string
  methods: string[]
  maxThroughput: number
}

export const throttlingSettingKeys = [
  'name',
  'description',
  'urlPattern',
  'methods',
  'maxThroughput',
] as const satisfies ReadonlyArray<keyof ThrottlingSettings>

export type ThrottlingConfigDocument = LifecycleDocument<ThrottlingSettings>

const fail = (code: string, message: string, path: string) =>
  new GatewayError(`ERR_THROTTLING_CONFIG_${code}`, message, { status: 400, errors: [{ path, message }] })

/** Validates a POST/PUT body; throws GatewayError `ERR_THROTTLING_CONFIG_*`. */
export function parseThrottlingConfig(raw: unknown): ThrottlingSettings {
  if (!isObject(raw)) throw fail('106', 'The payload must be a JSON object', '')
  for (const field of ['urlPattern', 'methods', 'maxThroughput'] as const)
    if (raw[field] === undefined || raw[field] === null || raw[field] === '')
      throw fail('100', `${field} is missing`, field)
  for (const field of ['name', 'description'] as const)
    if (raw[field] !== undefined && raw[field] !== null && typeof raw[field] !== 'string')
      throw fail('106', `${field} must be a string`, field)
  const url = parseUrlPattern(raw.urlPattern)
  if (!url.ok) {
    if (url.problem === 'wildcard-host')
      throw fail('105', 'urlPattern may not have a wildcard in its host', 'urlPattern')
    throw fail('104', 'urlPattern is malformed: an absolute http(s) URL is expected', 'urlPattern')
  }
  const methods = parseMethods(raw.methods)
  if (methods === 'missing') throw fail('100', 'methods is missing or empty', 'methods')
  if (methods === 'invalid') throw fail('106', 'methods must be a list of HTTP methods', 'methods')
  const max = raw.maxThroughput
  if (typeof max !== 'number' || !Number.isFinite(max))
    throw fail('106', 'maxThroughput must be a number', 'maxThroughput')
  if (!Number.isInteger(max) || max < MIN_THROUGHPUT || max > MAX_THROUGHPUT)
    throw fail('101', `maxThroughput must be an integer from ${MIN_THROUGHPUT} to ${MAX_THROUGHPUT}`, 'maxThroughput')
  return {
    ...(typeof raw.name === 'string' ? { name: raw.name } : {}),
    ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
    urlPattern: (raw.urlPattern as string).trim(),
    methods,
    maxThroughput: max,
  }
}

/** A deployed throttling config, ready for matching. */
export interface DeployedThrottle {
  uid: string
  pattern: UrlPattern
  methods: ReadonlySet<string>
  maxThroughput: number
}

export function deployedThrottleOf(doc: ThrottlingConfigDocument): DeployedThrottle | null {
  const d = doc.deployedConfig
  if (!d) return null
  const parsed = parseUrlPattern(d.urlPattern)
  if (!parsed.ok) return null
  return { uid: doc.uid, pattern: parsed.pattern, methods: new Set(d.methods), maxThroughput: d.maxThroughput }
}
