/**
 * One-click unsubscribe links (SPEC section 7, RFC 8058). The link itself is the proof: an
 * HMAC-SHA256 over the recipient, signed with `AUTH_SECRET`, so `POST /v1/unsubscribe/:token` needs no
 * API key and every gateway process accepts the links any other one wrote. No expiry: an unsubscribe
 * link in an old email must keep working.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { MessageRecord } from '../domain/message.ts'

/** Whose marketing consent a link withdraws. */
export interface UnsubscribeSubject {
  sandbox: string
  channel: 'email'
  address: string
}

const signatureOf = (payload: string, secret: string) =>
  createHmac('sha256', secret).update(`unsubscribe:${payload}`).digest()

/** `base64url(payload).base64url(signature)`; URL-safe, so it is used as a path segment as it is. */
export function signUnsubscribeToken({ sandbox, channel, address }: UnsubscribeSubject, secret: string): string {
  const payload = Buffer.from(JSON.stringify({ s: sandbox, c: channel, a: address })).toString('base64url')
  return `${payload}.${signatureOf(payload, secret).toString('base64url')}`
}

/** The subject of a genuine token; null for anything altered, truncated or signed with another secret. */
export function verifyUnsubscribeToken(token: string, secret: string): UnsubscribeSubject | null {
  const [payload, signature, extra] = token.split('.')
  if (!payload || !signature || extra !== undefined) return null
  const given = Buffer.from(signature, 'base64url')
  const expected = signatureOf(payload, secret)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
  try {
    const { s, c, a } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
    if (typeof s !== 'string' || c !== 'email' || typeof a !== 'string' || !s || !a) return null
    return { sandbox: s, channel: c, address: a }
  } catch {
    return null
  }
}

/**
 * The `unsubscribeUrl` the email adapter puts in `List-Unsubscribe`: `PUBLIC_URL/v1/unsubscribe/<token>`
 * for an email message, nothing for anything else.
 */
export function unsubscribeUrlBuilder({ publicUrl, secret }: { publicUrl: string; secret: string }) {
  const origin = publicUrl.replace(/\/+$/, '')
  return function unsubscribeUrl(message: MessageRecord): string | undefined {
    if (message.channel !== 'email' || typeof message.to !== 'string') return undefined
    const token = signUnsubscribeToken({ sandbox: message.sandbox, channel: 'email', address: message.to }, secret)
    return `${origin}/v1/unsubscribe/${token}`
  }
}
