/**
 * Outbound JSON over HTTP under the custom-action rules of SPEC section 5, shared by the action
 * adapter and status callbacks: undici pools per origin (never the global `fetch`), the URL rules on
 * every hop, the address rule inside the connector, one redirect, a deadline for the whole call and
 * response bodies read up to a limit. It reports what happened; callers decide what is retryable.
 */
import { lookup as dnsLookup } from 'node:dns/promises'
import { Pool } from 'undici'
import { type ActionMethod, checkUrl } from '../../../src/domain/action-url.ts'
import type { Clock } from '../../../src/domain/clock.ts'
import { boundedExchange, type Exchange } from './bounded-exchange.ts'
import { checkedLookup, type ResolveAll } from './checked-lookup.ts'
import { parseRetryAfter } from './retry-after.ts'

export interface HttpCall {
  url: string
  method: ActionMethod
  headers?: Record<string, string>
  /** A JSON value; `undefined`, or any GET, sends no body. */
  body?: unknown
  /** Budget for the whole call, redirect included. */
  timeoutMs: number
  signal?: AbortSignal
}

/** Why a call failed: `status` is an HTTP answer; the others never reached a final answer. */
export type HttpFailure = 'status' | 'redirect' | 'blocked' | 'timeout' | 'network' | 'aborted'

export type HttpCallResult =
  | { ok: true; status: number; detail: string }
  | {
      ok: false
      /** SPEC section 4 code: `HTTP_<status>`, `TIMEOUT`, `NETWORK`, `BLOCKED_ADDRESS`. */
      code: string
      failure: HttpFailure
      status?: number
      retryAfterMs?: number
      /** The request started on a socket: the endpoint may have acted on it. */
      sent: boolean
      detail: string
    }

export interface SafeHttpClient {
  call(request: HttpCall): Promise<HttpCallResult>
  /** Status callbacks: a JSON POST under the same pools and rules. */
  postJson(request: Omit<HttpCall, 'method'>): Promise<HttpCallResult>
  close(): Promise<void>
}

export interface SafeHttpClientOptions {
  /** `ACTIONS_ALLOW_PRIVATE`: lifts the address, IP-literal and port rules. */
  allowPrivate?: boolean
  lookup?: ResolveAll
  maxResponseBytes?: number
  /** `maxHttpConnections` of the endpoint config matching a URL; undefined or < 1 means no limit. */
  connectionLimitFor?: (url: string) => number | undefined
  /** TCP/TLS connect timeout of new connections (the call deadline still applies). */
  connectTimeoutMs?: number
  /** Reads `Retry-After` dates; call deadlines are plain timers. */
  clock?: Clock
}

/** Statuses followed once, method and body unchanged (POST stays POST, also on 301/302). */
const followed = new Set([301, 302, 307, 308])
/** Credentials a cross-origin redirect must not carry (as `fetch` does). */
const originBound = ['authorization', 'cookie', 'proxy-authorization']
const detailChars = 500

/** Builds the client; `close()` ends every pool it opened. */
export function safeHttpClient({
  allowPrivate = false,
  lookup = dnsLookup,
  maxResponseBytes = 1_048_576,
  connectionLimitFor = () => undefined,
  connectTimeoutMs = 10_000,
  clock = { now: Date.now },
}: SafeHttpClientOptions = {}): SafeHttpClient {
  const pools = new Map<string, Pool>()
  const connectLookup = checkedLookup({ resolve: lookup, allowPrivate })

  const poolFor = (url: URL): Pool => {
    const wanted = connectionLimitFor(url.href)
    const connections = wanted !== undefined && wanted >= 1 ? Math.floor(wanted) : undefined
    const key = `${url.origin} ${connections ?? ''}`
    let pool = pools.get(key)
    if (!pool) {
      pool = new Pool(url.origin, { connections, connect: { lookup: connectLookup, timeout: connectTimeoutMs } })
      pools.set(key, pool)
    }
    return pool
  }

  const call = async ({ url, method, headers = {}, body, timeoutMs, signal }: HttpCall): Promise<HttpCallResult> => {
    const deadline = performance.now() + timeoutMs
    const payload = body === undefined || method === 'GET' ? undefined : JSON.stringify(body)
    const first = checkedTarget(url, undefined, { allowPrivate })
    if (!first.ok) return blocked(first.detail)
    let current = first.url
    let sentHeaders = requestHeaders(headers, payload !== undefined)
    for (let hop = 0; ; hop++) {
      const exchange = await boundedExchange(
        poolFor(current),
        { path: `${current.pathname}${current.search}`, method, headers: sentHeaders, body: payload ?? null },
        { timeoutMs: deadline - performance.now(), maxResponseBytes, keepBytes: detailChars * 4, signal },
      )
      if (exchange.kind !== 'response') return failureOf(exchange, timeoutMs)
      const { status, headers: answer, bodyText } = exchange
      if (status >= 200 && status < 300) return { ok: true, status, detail: `HTTP ${status}` }
      const code = `HTTP_${status}`
      const location = Array.isArray(answer.location) ? answer.location[0] : answer.location
      if (followed.has(status) && location) {
        if (hop > 0) return { ok: false, code, failure: 'redirect', status, sent: true, detail: 'too many redirects' }
        const next = checkedTarget(location, current, { allowPrivate })
        if (!next.ok) return blocked(next.detail)
        if (next.url.origin !== current.origin) sentHeaders = withoutCredentials(sentHeaders)
        current = next.url
        continue
      }
      const retryAfterMs = status >= 400 ? parseRetryAfter(answer['retry-after'], clock.now()) : undefined
      return {
        ok: false,
        code,
        failure: 'status',
        status,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        sent: true,
        detail: bodyText.slice(0, detailChars) || `HTTP ${status}`,
      }
    }
  }

  return {
    call,
    postJson: (request) => call({ ...request, method: 'POST' }),
    async close() {
      const open = [...pools.values()]
      pools.clear()
      await Promise.all(open.map((pool) => pool.close()))
    },
  }
}

/**
 * Resolves a URL (a `Location` against the URL that answered it) and applies the static URL rules,
 * so that a redirect target is judged exactly as the first URL was (SPEC section 5).
 */
export function checkedTarget(
  location: string,
  base: URL | undefined,
  { allowPrivate }: { allowPrivate: boolean },
): { ok: true; url: URL } | { ok: false; detail: string } {
  const what = base ? `redirect target ${location}` : location
  const url = parseUrl(location, base)
  if (!url) return { ok: false, detail: `${what}: not an absolute http(s) URL` }
  const problems = checkUrl(url, { allowPrivate, path: 'url' })
  if (problems.length > 0) return { ok: false, detail: `${what}: ${problems.map((p) => p.message).join('; ')}` }
  return { ok: true, url }
}

function blocked(detail: string): HttpCallResult {
  return { ok: false, code: 'BLOCKED_ADDRESS', failure: 'blocked', sent: false, detail }
}

function failureOf(exchange: Exclude<Exchange, { kind: 'response' }>, timeoutMs: number): HttpCallResult {
  const { sent } = exchange
  if (exchange.kind === 'timeout') {
    const detail = `no answer within ${timeoutMs} ms${sent ? ' (request sent)' : ' (not sent)'}`
    return { ok: false, code: 'TIMEOUT', failure: 'timeout', sent, detail }
  }
  if (exchange.kind === 'aborted') return { ok: false, code: 'NETWORK', failure: 'aborted', sent, detail: 'aborted' }
  const { error } = exchange
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ERR_BLOCKED_ADDRESS') {
    return blocked(error.message)
  }
  return {
    ok: false,
    code: 'NETWORK',
    failure: 'network',
    sent,
    detail: code ? `${code}: ${error.message}` : error.message,
  }
}

/** Caller headers lower-cased, then the gateway's own: JSON bodies only (SPEC section 5). */
function requestHeaders(headers: Record<string, string>, hasBody: boolean): Record<string, string> {
  const merged: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) merged[name.toLowerCase()] = value
  if (hasBody) merged['content-type'] = 'application/json'
  else delete merged['content-type']
  return merged
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !originBound.includes(name)))
}

function parseUrl(text: string, base?: URL): URL | undefined {
  try {
    return new URL(text, base)
  } catch {
    return undefined
  }
}
