import { type CountryCode, isPossiblePhoneNumber, parsePhoneNumberWithError } from 'libphonenumber-js'

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/

/** Emails are trimmed and lower-cased everywhere an address enters (SPEC section 4). */
export function normalizeEmail(raw: string): string | null {
  const value = raw.trim().toLowerCase()
  return value.length <= 320 && EMAIL.test(value) ? value : null
}

/** Phone numbers are accepted when possible (libphonenumber-js) and stored in E.164. */
export function normalizePhone(raw: string, defaultRegion: string): string | null {
  const value = raw.trim()
  const region = defaultRegion.toUpperCase() as CountryCode
  try {
    if (!isPossiblePhoneNumber(value, region)) return null
    return parsePhoneNumberWithError(value, region).number
  } catch {
    return null
  }
}

export const domainOfEmail = (email: string) => email.slice(email.lastIndexOf('@') + 1)

/** The address inside `Name <addr@host>` or a bare address. */
export function addressOf(mailbox: string): string | null {
  const m = /<([^>]+)>\s*$/.exec(mailbox)
  return normalizeEmail(m?.[1] ?? mailbox)
}
