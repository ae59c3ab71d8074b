/**
 * Custom-action and callback URL rules of SPEC section 5 (AJO's). The static part needs no DNS, so
 * intake answers 400 before anything is stored; `isForbiddenAddress` is the rule the HTTP adapter
 * applies to every resolved address before it connects.
 */
import { BlockList, isIP } from 'node:net'
import type { FieldError } from './errors.ts'

export const actionMethods = ['POST', 'PUT', 'GET'] as const
export type ActionMethod = (typeof actionMethods)[number]

export interface UrlRuleOptions {
  /** `ACTIONS_ALLOW_PRIVATE`: lifts the port, IP-literal and address rules only. */
  allowPrivate: boolean
}

export interface ActionRequest {
  url: string
  method?: string
  headers?: Record<string, string>
  body?: unknown
}

/** Headers undici or the gateway own: a caller setting them would break framing or the body contract. */
const managedHeaders = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'proxy-connection',
])
const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const forbiddenLead = /^[.$]/

/** Every field problem of one custom action, paths as the request names them (`to`, `action.*`). */
export function checkActionRequest(request: ActionRequest, options: UrlRuleOptions): FieldError[] {
  const errors = checkUrl(request.url, { ...options, path: 'to' })
  if (request.method !== undefined && !(actionMethods as readonly string[]).includes(request.method)) {
    errors.push({ path: 'action.method', message: `must be one of ${actionMethods.join(', ')}` })
  }
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    const path = `action.headers.${name}`
    if (forbiddenLead.test(name)) errors.push({ path, message: 'header names may not start with "." or "$"' })
    else if (!tokenPattern.test(name)) errors.push({ path, message: 'is not a valid header name' })
    else if (managedHeaders.has(name.toLowerCase())) errors.push({ path, message: 'is set by the gateway' })
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) {
      errors.push({ path, message: 'header values must be strings without line breaks' })
    }
  }
  if (request.body !== undefined) checkBodyKeys(request.body, 'action.body', errors)
  return errors
}

/** A status callback URL obeys the custom-action URL rules (SPEC section 4). */
export function checkCallbackUrl(url: string, options: UrlRuleOptions): FieldError[] {
  return checkUrl(url, { ...options, path: 'callbackUrl' })
}

/**
 * The URL part of the rules, on its own so redirect targets and callbacks are judged exactly as the
 * first request was. The WHATWG parser has already normalised `127.1` and `0x7f.1` to dotted IPv4.
 */
export function checkUrl(url: string | URL, { allowPrivate, path }: UrlRuleOptions & { path: string }): FieldError[] {
  const parsed = typeof url === 'string' ? parseUrl(url) : url
  if (!parsed) return [{ path, message: 'must be an absolute http(s) URL' }]
  const errors: FieldError[] = []
  const problem = (message: string) => errors.push({ path, message })
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') problem('must use http or https')
  if (parsed.username !== '' || parsed.password !== '') problem('may not contain user information')
  if (!allowPrivate && parsed.port !== '' && parsed.port !== '80' && parsed.port !== '443') {
    problem('port must be 80 or 443')
  }
  const host = hostOf(parsed)
  if (host === '') problem('must have a host')
  else if (isIP(host) !== 0) {
    if (!allowPrivate) problem('may not be an IP address')
  } else if (isAdobeHost(host)) problem('may not be an Adobe host (.adobe.*)')
  for (const key of new Set(parsed.searchParams.keys())) {
    if (forbiddenLead.test(key)) problem(`query key "${key}" may not start with "." or "$"`)
  }
  return errors
}

/** The hostname without IPv6 brackets or a trailing root dot, as DNS and `isIP` expect it. */
export function hostOf(url: URL): string {
  const host = url.hostname.toLowerCase().replace(/\.$/, '')
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
}

/** `adobe.io`, `x.adobe.com`, `adobe.co.uk`: any `adobe` label that is not the last one. */
function isAdobeHost(host: string): boolean {
  return host.split('.').slice(0, -1).includes('adobe')
}

function checkBodyKeys(value: unknown, path: string, errors: FieldError[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      checkBodyKeys(item, `${path}.${index}`, errors)
    })
    return
  }
  if (value === null || typeof value !== 'object') return
  for (const [key, item] of Object.entries(value)) {
    const keyPath = `${path}.${key}`
    if (key.includes('.')) errors.push({ path: keyPath, message: 'body keys may not contain "."' })
    if (key.startsWith('$')) errors.push({ path: keyPath, message: 'body keys may not start with "$"' })
    checkBodyKeys(item, keyPath, errors)
  }
}

/** IPv4 special-purpose ranges (IANA registry), all refused: none is a public web endpoint. */
const forbiddenV4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.31.196.0', 24], // AS112
  ['192.52.193.0', 24], // AMT
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['192.175.48.0', 24], // AS112 direct delegation
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, with 255.255.255.255 broadcast
]

/**
 * IPv6 is judged by allowance: only global unicast 2000::/3 may be reached, minus its special parts.
 * Everything else (::, ::1, IPv4-mapped ::ffff:0:0/96, 64:ff9b::/96 NAT64, 100::/64, fc00::/7,
 * fe80::/10, ff00::/8 ...) is outside 2000::/3 and refused whatever IPv4 address it embeds.
 */
const forbiddenInGlobalV6: ReadonlyArray<readonly [string, number]> = [
  ['2001::', 23], // IETF protocol assignments: Teredo, benchmarking, ORCHID
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['3fff::', 20], // documentation (RFC 9637)
]

/** Built on first use, so that intake code importing only the static rules never constructs a BlockList. */
let lists: { v4Blocked: BlockList; v6Global: BlockList; v6Blocked: BlockList } | undefined
function blockLists() {
  if (lists) return lists
  const v4Blocked = new BlockList()
  for (const [prefix, bits] of forbiddenV4) v4Blocked.addSubnet(prefix, bits, 'ipv4')
  const v6Global = new BlockList()
  v6Global.addSubnet('2000::', 3, 'ipv6')
  const v6Blocked = new BlockList()
  for (const [prefix, bits] of forbiddenInGlobalV6) v6Blocked.addSubnet(prefix, bits, 'ipv6')
  lists = { v4Blocked, v6Global, v6Blocked }
  return lists
}

/** Whether a resolved address is one no custom action may reach. Anything that is not an IP fails closed. */
export function isForbiddenAddress(ip: string): boolean {
  const address = ip.replace(/%.*$/, '')
  try {
    const { v4Blocked, v6Global, v6Blocked } = blockLists()
    switch (isIP(address)) {
      case 4:
        return v4Blocked.check(address, 'ipv4')
      case 6:
        return !v6Global.check(address, 'ipv6') || v6Blocked.check(address, 'ipv6')
      default:
        return true
    }
  } catch {
    return true
  }
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text)
  } catch {
    return undefined
  }
}
