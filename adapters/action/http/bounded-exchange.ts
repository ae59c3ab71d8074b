/**
 * One HTTP exchange on an undici dispatcher, bounded in time and in response size (SPEC section 5:
 * bodies read up to 1 MB). It also tells whether the request started on a socket, which is what makes
 * a timeout or a lost connection ambiguous. The body is always consumed or the socket destroyed, so a
 * pool never keeps a half-read connection.
 */
import type { Dispatcher } from 'undici'

export type ResponseHeaders = Record<string, string | string[] | undefined>

export type Exchange =
  | { kind: 'response'; status: number; headers: ResponseHeaders; bodyText: string }
  | { kind: 'timeout'; sent: boolean }
  | { kind: 'aborted'; sent: boolean }
  | { kind: 'error'; sent: boolean; error: Error }

export interface ExchangeLimits {
  timeoutMs: number
  /** Bytes read before the rest of the body is discarded with the connection. */
  maxResponseBytes: number
  /** Leading bytes kept as text for error details. */
  keepBytes: number
  signal?: AbortSignal
}

/**
 * Dispatches and settles on the first of: the end of the body, the size limit, the deadline, the
 * caller's signal, an error. Once headers arrived the answer is the response, even when the body is
 * then cut short: the endpoint has spoken.
 */
export function boundedExchange(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  { timeoutMs, maxResponseBytes, keepBytes, signal }: ExchangeLimits,
): Promise<Exchange> {
  return new Promise((resolve) => {
    let settled = false
    let sent = false
    let controller: Dispatcher.DispatchController | undefined
    let answer: { status: number; headers: ResponseHeaders } | undefined
    const kept: Buffer[] = []
    let keptBytes = 0
    let readBytes = 0

    const finish = (result: Exchange) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      resolve(result)
    }
    const finishWithAnswer = (): boolean => {
      if (!answer) return false
      const bodyText = Buffer.concat(kept).toString('utf8')
      finish({ kind: 'response', status: answer.status, headers: answer.headers, bodyText })
      return true
    }
    /** Frees the socket; before the request started, `onRequestStart` aborts it instead. */
    const release = (reason: string) => {
      if (controller && !controller.aborted) controller.abort(new Error(reason))
    }
    const cut = (kind: 'timeout' | 'aborted') => {
      if (!finishWithAnswer()) finish({ kind, sent })
      release(kind === 'timeout' ? 'attempt timed out' : 'attempt aborted')
    }
    const onAbort = () => cut('aborted')
    const timer = setTimeout(() => cut('timeout'), Math.max(0, timeoutMs))
    signal?.addEventListener('abort', onAbort, { once: true })

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(started) {
        controller = started
        if (settled) started.abort(new Error('attempt already over'))
        else sent = true
      },
      onResponseStart(_controller, status, headers) {
        if (status >= 200) answer = { status, headers }
      },
      onResponseData(current, chunk) {
        readBytes += chunk.length
        if (keptBytes < keepBytes) {
          const part = chunk.subarray(0, keepBytes - keptBytes)
          kept.push(part)
          keptBytes += part.length
        }
        if (readBytes > maxResponseBytes) {
          finishWithAnswer()
          current.abort(new Error('response body over the size limit'))
        }
      },
      onResponseEnd() {
        finishWithAnswer()
      },
      onResponseError(_controller, error) {
        if (!finishWithAnswer()) finish({ kind: 'error', sent, error })
      },
    }

    if (signal?.aborted) {
      finish({ kind: 'aborted', sent: false })
      return
    }
    try {
      dispatcher.dispatch(options, handler)
    } catch (error) {
      finish({ kind: 'error', sent: false, error: error instanceof Error ? error : new Error(String(error)) })
    }
  })
}
