import { normalizeEmail, normalizePhone } from '../pipeline/recipients.ts'
import type { SuppressionType } from '../store/types.ts'

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/
const MAX_TOKEN = 4096

/** Domains are lower-cased (a leading `@` is dropped) so that `@Example.COM` and `example.com` are one entry. */
export function normalizeDomain(raw: string): string | null {
  const value = raw.trim().toLowerCase().replace(/^@/, '').replace(/\.$/, '')
  return DOMAIN.test(value) ? value : null
}

/**
 * The one stored form of a suppression value, as intake builds its keys: emails trimmed and lower-cased,
 * phones in E.164, domains lower-cased, push tokens as they are. `null` when the value is not of its type.
 */
export function normalizeSuppressionValue(type: SuppressionType, raw: string, defaultRegion: string): string | null {
  switch (type) {
    case 'email':
      return normalizeEmail(raw)
    case 'domain':
      return normalizeDomain(raw)
    case 'phone':
      return normalizePhone(raw, defaultRegion)
    case 'push_token':
      return raw.length > 0 && raw.length <= MAX_TOKEN ? raw : null
  }
}

/** An allowlist entry is an address or a whole domain (SPEC section 7), stored in its normal form. */
export function normalizeAllowlistEntry(raw: string): string | null {
  return raw.includes('@') && !raw.trim().startsWith('@') ? normalizeEmail(raw) : normalizeDomain(raw)
}

/** The message used wherever a value does not fit its type (API errors and import failures alike). */
export const invalidValueMessage = (raw: string) => `Invalid format for value: ${raw}`
