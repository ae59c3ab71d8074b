import type { MiddlewareHandler } from 'hono'
import { GatewayError } from '../../domain/errors.ts'

/** Load shedding: beyond `max` requests in progress, answer 503 before reading the body. */
export function inflightLimit({ max }: { max: number }): MiddlewareHandler & { current(): number } {
  let inflight = 0
  const handler: MiddlewareHandler = async (_c, next) => {
    // Thrown, so that the app's error handler answers in the route's own error format (/ajo, SOAP).
    if (inflight >= max)
      throw new GatewayError('OVERLOADED', `More than ${max} requests in progress`, { headers: { 'retry-after': '1' } })
    inflight++
    try {
      await next()
    } finally {
      inflight--
    }
  }
  return Object.assign(handler, { current: () => inflight })
}
