import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { GatewayError } from '../../domain/errors.ts'
import { maskEmail } from '../../domain/mask.ts'
import { type UnsubscribeSubject, verifyUnsubscribeToken } from '../../suppression/unsubscribe-token.ts'
import type { GatewayDeps } from '../gateway-deps.ts'

const pageHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch)

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title></head>
<body style="font-family:Helvetica,Arial,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2933">
<h1 style="font-size:1.4rem">${escapeHtml(title)}</h1>
${body}
</body></html>`
}

/** The token's subject, or 404 as if the link did not exist (a tampered link proves nothing). */
function subjectOf(c: Context, secret: string): UnsubscribeSubject {
  const subject = verifyUnsubscribeToken(c.req.param('token') ?? '', secret)
  if (!subject) throw new GatewayError('NOT_FOUND', 'Unsubscribe link not found or altered')
  return subject
}

const wantsHtml = (c: Context) => {
  const accept = c.req.header('accept') ?? ''
  return accept.includes('text/html') && !accept.includes('application/json')
}

/**
 * `GET|POST /v1/unsubscribe/:token` (SPEC section 7, RFC 8058). No API key: the signed token is the
 * proof. GET only shows a confirmation page (mail scanners fetch links; they must not unsubscribe
 * anyone); POST — a mailbox provider's one-click request or the page's button — records consent
 * `marketing: false` for the address in the token's sandbox.
 */
export function registerUnsubscribeRoutes(app: OpenAPIHono, deps: GatewayDeps): void {
  for (const method of ['get', 'post'] as const)
    app.openAPIRegistry.registerPath({
      method,
      path: '/v1/unsubscribe/{token}',
      summary:
        method === 'get'
          ? 'Unsubscribe confirmation page'
          : 'One-click unsubscribe (RFC 8058): consent marketing false',
      responses: {
        200: { description: method === 'get' ? 'HTML page' : 'Unsubscribed' },
        404: { description: 'Altered link' },
      },
    })
  app.get('/v1/unsubscribe/:token', (c) => {
    const { address } = subjectOf(c, deps.config.AUTH_SECRET)
    const body = `<p>Stop marketing email to <strong>${escapeHtml(maskEmail(address))}</strong>? Transactional messages such as receipts still arrive.</p>
<form method="post"><button type="submit" style="font-size:1rem;padding:.6rem 1.2rem">Unsubscribe</button></form>`
    return c.body(page('Unsubscribe', body), 200, pageHeaders)
  })

  app.post('/v1/unsubscribe/:token', async (c) => {
    const { sandbox, channel, address } = subjectOf(c, deps.config.AUTH_SECRET)
    await deps.store.consents.set(sandbox, channel, address, false)
    deps.logger.info({ sandbox, channel, to: maskEmail(address) }, 'unsubscribed')
    if (wantsHtml(c))
      return c.body(
        page('You are unsubscribed', '<p>You will not receive marketing email from us any more.</p>'),
        200,
        pageHeaders,
      )
    return c.json({ unsubscribed: true, channel, address: maskEmail(address) }, 200, { 'cache-control': 'no-store' })
  })
}
