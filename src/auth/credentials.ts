import { createHash, timingSafeEqual } from 'node:crypto'
import { jwtVerify, SignJWT } from 'jose'
import type { Scope } from '../config/config-schema.ts'

/** Who is calling: the sandbox (tenant) every piece of state is scoped by, and what it may do. */
export interface Principal {
  /** The effective sandbox: `<sandbox>/test` for a test key (SPEC section 9). */
  sandbox: string
  /** The sandbox the key was issued for. */
  baseSandbox: string
  scopes: Scope[]
  isTestKey: boolean
  keyId: string
}

const digest = (value: string) => createHash('sha256').update(value).digest()

function principalOf(keyId: string, sandbox: string, scopes: Scope[]): Principal {
  const isTestKey = scopes.includes('test')
  return { sandbox: isTestKey ? `${sandbox}/test` : sandbox, baseSandbox: sandbox, scopes, isTestKey, keyId }
}

/** Looks keys up by SHA-256 and compares digests in constant time. */
export function createKeyring({
  apiKeys,
  oauthClients,
  secret,
}: {
  apiKeys: { token: string; sandbox: string; scopes: Scope[] }[]
  oauthClients: { clientId: string; secret: string; sandbox: string; scopes: Scope[] }[]
  secret: string
}) {
  const keys = new Map(apiKeys.map((k) => [digest(k.token).toString('hex'), k]))
  const clients = new Map(oauthClients.map((c) => [c.clientId, c]))
  const jwtKey = new TextEncoder().encode(secret)

  function apiKey(token: string): Principal | null {
    const d = digest(token)
    const k = keys.get(d.toString('hex'))
    if (!k || !timingSafeEqual(digest(k.token), d)) return null
    return principalOf(`key:${k.token.slice(0, 4)}`, k.sandbox, k.scopes)
  }

  function client(clientId: string, clientSecret: string): (typeof oauthClients)[number] | null {
    const c = clients.get(clientId)
    if (!c) {
      timingSafeEqual(digest(clientSecret), digest(clientSecret))
      return null
    }
    return timingSafeEqual(digest(c.secret), digest(clientSecret)) ? c : null
  }

  return {
    apiKey,
    client,
    /** Issues an OAuth2 access token (HS256 JWT, one hour). */
    async issueToken(c: { clientId: string; sandbox: string; scopes: Scope[] }): Promise<string> {
      return new SignJWT({ sandbox: c.sandbox, scope: c.scopes.join(' ') })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(c.clientId)
        .setIssuer('sendgate')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(jwtKey)
    },
    async accessToken(token: string): Promise<Principal | null> {
      if (token.split('.').length !== 3) return null
      try {
        const { payload } = await jwtVerify(token, jwtKey, { issuer: 'sendgate', algorithms: ['HS256'] })
        const scopes = String(payload.scope ?? '')
          .split(' ')
          .filter(Boolean) as Scope[]
        if (typeof payload.sandbox !== 'string' || !payload.sub) return null
        return principalOf(`client:${payload.sub}`, payload.sandbox, scopes)
      } catch {
        return null
      }
    },
    /** Any credential: an API key or an OAuth access token. */
    async resolve(token: string): Promise<Principal | null> {
      return apiKey(token) ?? (await this.accessToken(token))
    },
    /** The principal of an `Authorization` header, trying each candidate token. */
    async fromHeader(header: string | undefined): Promise<Principal | null> {
      for (const token of tokensFromAuthorization(header)) {
        const p = await this.resolve(token)
        if (p) return p
      }
      return null
    },
  }
}

export type Keyring = ReturnType<typeof createKeyring>

export function hasScope(p: Principal, scope: Scope): boolean {
  if (p.scopes.includes(scope)) return true
  if (scope === 'send') return p.scopes.includes('admin') || p.scopes.includes('test')
  return false
}

/** Candidate tokens: `Bearer x`, or Basic with the token as user or as password. */
export function tokensFromAuthorization(header: string | undefined): string[] {
  if (!header) return []
  const [scheme, value] = header.trim().split(/\s+/, 2)
  if (!scheme || !value) return []
  if (scheme.toLowerCase() === 'bearer') return [value]
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8')
    const i = decoded.indexOf(':')
    const user = i < 0 ? decoded : decoded.slice(0, i)
    const pass = i < 0 ? '' : decoded.slice(i + 1)
    return [user, pass].filter(Boolean)
  }
  return []
}
