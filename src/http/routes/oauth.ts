import type { OpenAPIHono } from '@hono/zod-openapi'
import { MB, readBodyText } from '../read-json.ts'

/** `POST /oauth/token`: OAuth2 client credentials, errors as RFC 6749 (what AJO custom actions use). */
export function registerOAuthRoutes(
  app: OpenAPIHono,
  deps: { keyring: import('../../auth/credentials.ts').Keyring },
): void {
  app.post('/oauth/token', async (c) => {
    const oauthError = (status: 400 | 401, error: string, description: string) =>
      c.json({ error, error_description: description }, status, { 'cache-control': 'no-store' })
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim()
    const text = await readBodyText(c, MB)
    const form = type === 'application/json' ? safeJson(text) : Object.fromEntries(new URLSearchParams(text))
    if (form.grant_type !== 'client_credentials')
      return oauthError(400, 'unsupported_grant_type', 'only client_credentials is supported')
    let clientId = typeof form.client_id === 'string' ? form.client_id : ''
    let secret = typeof form.client_secret === 'string' ? form.client_secret : ''
    const header = c.req.header('authorization')
    if (header?.toLowerCase().startsWith('basic ')) {
      const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8')
      const i = decoded.indexOf(':')
      clientId = decodeURIComponent(i < 0 ? decoded : decoded.slice(0, i))
      secret = decodeURIComponent(i < 0 ? '' : decoded.slice(i + 1))
    } else if (!clientId && header) {
      return oauthError(401, 'invalid_client', 'client authentication failed')
    }
    const client = clientId && secret ? deps.keyring.client(clientId, secret) : null
    if (!client) return oauthError(401, 'invalid_client', 'client authentication failed')
    const token = await deps.keyring.issueToken(client)
    return c.json({ access_token: token, token_type: 'Bearer', expires_in: 3600 }, 200, { 'cache-control': 'no-store' })
  })
}

function safeJson(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text)
    return v && typeof v === 'object' ? v : {}
  } catch {
    return {}
  }
}
