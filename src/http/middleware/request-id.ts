import { randomUUID } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'

/** Gives every request an id (kept from `X-Request-Id` when sane) for logs and problem bodies. */
export function requestId(): MiddlewareHandler {
  return async (c, next) => {
    const given = c.req.header('x-request-id')
    const id = given && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID()
    c.set('requestId', id)
    c.header('x-request-id', id)
    await next()
  }
}
