/**
 * The FCM adapter's HTTP: undici pools per origin (SPEC section 5: never the global `fetch`), shared by
 * the OAuth2 token exchange and `messages:send`, answering with values so network trouble is an
 * outcome rather than an exception.
 */
import { Pool } from 'undici'

export type HttpExchange =
  | { ok: true; status: number; headers: Record<string, string | string[] | undefined>; text: string }
  | { ok: false; error: Error & { code?: string } }

export interface PostOptions {
  headers: Record<string, string>
  body: string
  timeoutMs: number
  signal?: AbortSignal
}

/** Answers above this are cut: FCM's own answers are a few hundred bytes. */
const MAX_ANSWER_BYTES = 64 * 1024

/** Builds the pools; `close()` ends them. */
export function fcmHttp({ connections = 64 }: { connections?: number } = {}) {
  const pools = new Map<string, Pool>()
  const poolFor = (url: URL): Pool => {
    let pool = pools.get(url.origin)
    if (!pool) {
      pool = new Pool(url.origin, { connections })
      pools.set(url.origin, pool)
    }
    return pool
  }
  return {
    async post(url: URL, { headers, body, timeoutMs, signal }: PostOptions): Promise<HttpExchange> {
      try {
        const res = await poolFor(url).request({
          path: `${url.pathname}${url.search}`,
          method: 'POST',
          headers,
          body,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          ...(signal ? { signal } : {}),
        })
        const text = await readCapped(res.body)
        return { ok: true, status: res.statusCode, headers: res.headers, text }
      } catch (e) {
        return { ok: false, error: e instanceof Error ? e : new Error(String(e)) }
      }
    },
    async close(): Promise<void> {
      await Promise.allSettled([...pools.values()].map((pool) => pool.close()))
      pools.clear()
    },
  }
}

export type FcmHttp = ReturnType<typeof fcmHttp>

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.byteLength
    if (size > MAX_ANSWER_BYTES) {
      body.destroy()
      break
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** Failures that happen before a request can have reached the provider: resending is safe. */
const notSentCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
])

/** A timeout or a connection lost once the request may have been read: the provider may have acted. */
export function mayHaveBeenSent(error: Error & { code?: string }): boolean {
  if (error.code && notSentCodes.has(error.code)) return false
  if (error.name === 'AbortError') return true
  return (
    error.code === 'UND_ERR_HEADERS_TIMEOUT' ||
    error.code === 'UND_ERR_BODY_TIMEOUT' ||
    error.code === 'UND_ERR_SOCKET' ||
    error.code === 'ECONNRESET'
  )
}

/** An answer body as a JSON object, or `undefined` when it is not one. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
