/**
 * The `httpClient` handed to the Twilio SDK (its documented hook for custom transports): a subclass of
 * the SDK's own `RequestClient` that adds two things the SDK does not offer: pointing every request at
 * another origin (`TWILIO_API_BASE`, used by tests with a local fake), and keeping each answer's status
 * and `Retry-After` so that the adapter can honour it (the SDK's `RestException` drops headers).
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import twilio from 'twilio'

type RequestOptions<TData> = Parameters<twilio.RequestClient['request']>[0] & { data?: TData }

/** What the last Twilio answer inside one `capture()` call looked like. */
export interface AnswerInfo {
  statusCode?: number
  retryAfterMs?: number
}

/** `Retry-After` as delay seconds or an HTTP date; `undefined` when absent or unreadable. */
export function retryAfterMsOf(value: unknown, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.toString().trim()
  if (!text) return undefined
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs)
}

/** The SDK transport with an origin override and per-call answer capture. */
export class TwilioHttpClient extends twilio.RequestClient {
  readonly #answers = new AsyncLocalStorage<AnswerInfo>()
  readonly #base: string | undefined
  readonly #now: () => number

  constructor({
    apiBase,
    timeoutMs = 30_000,
    now = Date.now,
  }: { apiBase?: string; timeoutMs?: number; now?: () => number } = {}) {
    super({ timeout: timeoutMs, keepAlive: true })
    this.#base = apiBase?.replace(/\/+$/, '')
    this.#now = now
  }

  override async request<TData>(opts: RequestOptions<TData>) {
    const url = new URL(opts.uri)
    const uri = this.#base ? `${this.#base}${url.pathname}${url.search}` : opts.uri
    const response = await super.request<TData>({ ...opts, uri })
    const slot = this.#answers.getStore()
    if (slot) {
      slot.statusCode = response.statusCode
      slot.retryAfterMs = retryAfterMsOf(response.headers?.['retry-after'], this.#now())
    }
    return response
  }

  /** Runs one SDK call and reports the HTTP answer it got (per call, safe under concurrency). */
  async capture<T>(
    call: () => Promise<T>,
  ): Promise<{ ok: true; value: T; answer: AnswerInfo } | { ok: false; error: unknown; answer: AnswerInfo }> {
    const answer: AnswerInfo = {}
    try {
      return { ok: true, value: await this.#answers.run(answer, call), answer }
    } catch (error) {
      return { ok: false, error, answer }
    }
  }
}
