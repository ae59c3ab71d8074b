/**
 * Status callback signatures (SPEC section 12), in the Stripe style receivers already know:
 * `X-Sendgate-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. The timestamp inside the
 * signed text lets a receiver refuse replays older than its tolerance.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

/** The header a callback carries; receivers read it under this name. */
export const signatureHeader = 'x-sendgate-signature'

/**
 * A sandbox's callback signing secret: derived from AUTH_SECRET and the sandbox name, so every process
 * computes the same one without storing it and one tenant's secret proves nothing about another's.
 */
export function signingSecretFor(sandbox: string, authSecret: string): string {
  return createHmac('sha256', authSecret).update(`callbacks:${sandbox}`).digest('hex')
}

/** The signature header value for one body sent at `nowSec` (whole Unix seconds). */
export function signCallback(body: string, secret: string, nowSec: number): string {
  const t = Math.floor(nowSec)
  return `t=${t},v1=${hmacHex(secret, `${t}.${body}`)}`
}

/**
 * The receiver's check: some `v1` matches the body and `t` is within `toleranceSec` of `nowSec`.
 * Compares in constant time; several `v1` values are accepted so that a secret can be rotated.
 */
export function verifyCallbackSignature(
  header: string | null | undefined,
  body: string,
  secret: string,
  toleranceSec = 300,
  nowSec: number = Date.now() / 1000,
): boolean {
  if (!header) return false
  let t: number | undefined
  const signatures: string[] = []
  for (const part of header.split(',')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    const key = part.slice(0, eq).trim()
    const value = part.slice(eq + 1).trim()
    if (key === 't' && /^\d+$/.test(value)) t = Number(value)
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase())
  }
  if (t === undefined || signatures.length === 0) return false
  if (Math.abs(nowSec - t) > toleranceSec) return false
  const expected = Buffer.from(hmacHex(secret, `${t}.${body}`), 'hex')
  return signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected))
}

function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex')
}
