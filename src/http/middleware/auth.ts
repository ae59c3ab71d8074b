import type { Context, MiddlewareHandler } from 'hono'
import { hasScope, type Keyring, type Principal } from '../../auth/credentials.ts'
import type { Scope } from '../../config/config-schema.ts'
import { GatewayError } from '../../domain/errors.ts'

/** Authenticates the caller and checks the route's scope: 401 without valid credentials, 403 without scope. */
export function requireScope({ keyring, scope }: { keyring: Keyring; scope: Scope }): MiddlewareHandler {
  return async (c, next) => {
    const principal = await keyring.fromHeader(c.req.header('authorization'))
    if (!principal)
      throw new GatewayError('UNAUTHORIZED', 'Missing or invalid credentials', {
        headers: { 'www-authenticate': 'Bearer' },
      })
    if (!hasScope(principal, scope)) throw new GatewayError('FORBIDDEN', `This key lacks the ${scope} scope`)
    c.set('principal', principal)
    await next()
  }
}

export function principalOf(c: Context): Principal {
  const p = c.get('principal')
  if (!p) throw new GatewayError('UNAUTHORIZED', 'Missing or invalid credentials')
  return p
}
