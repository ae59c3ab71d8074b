import { MP_KEY } from './gateway-process.ts'

/** One HTTP answer of a child gateway, or the network error when there was none (a killed process). */
export interface Answer {
  status: number
  json: Record<string, unknown> | null
  headers: Headers | null
  /** Set when the request got no answer (connection refused or reset). */
  error?: string
  startedAt: number
  ms: number
}

/** Calls a child gateway over real HTTP with the admin key; never throws, a lost connection is an Answer. */
export async function callGateway(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const startedAt = Date.now()
  const t0 = performance.now()
  try {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${MP_KEY}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
    const text = await res.text()
    let json: Record<string, unknown> | null = null
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : null
    } catch {
      json = null
    }
    return { status: res.status, json, headers: res.headers, startedAt, ms: performance.now() - t0 }
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause
    return {
      status: 0,
      json: null,
      headers: null,
      error: cause?.code ?? cause?.message ?? (e as Error).message,
      startedAt,
      ms: performance.now() - t0,
    }
  }
}

/** Runs `work` over `items` with at most `concurrency` at once; results in input order. */
export async function mapConcurrent<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>) {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await work(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
  return out
}

/** Statuses of messages by id, read through GET /v1/messages/:id (null: not found or no answer). */
export async function statusesOf(baseUrl: string, ids: readonly string[], concurrency = 16) {
  const answers = await mapConcurrent(ids, concurrency, (id) => callGateway(baseUrl, 'GET', `/v1/messages/${id}`))
  const out = new Map<string, Record<string, unknown> | null>()
  ids.forEach((id, i) => {
    const a = answers[i]
    out.set(id, a?.status === 200 ? a.json : null)
  })
  return out
}
