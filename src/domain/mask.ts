import type { Recipient } from './message.ts'

/** `ana@example.com` → `a***@example.com`. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@')
  if (at < 1) return '***'
  return `${address[0]}***${address.slice(at)}`
}

/** `+15551234567` → `+1555***4567`. */
export function maskPhone(phone: string): string {
  if (phone.length <= 8) return `${phone.slice(0, 2)}***`
  return `${phone.slice(0, 5)}***${phone.slice(-4)}`
}

export function maskToken(token: string): string {
  return token.length <= 8 ? '***' : `${token.slice(0, 4)}***${token.slice(-4)}`
}

export function maskAddress(value: string): string {
  if (value.includes('@')) return maskEmail(value)
  if (/^\+\d+$/.test(value)) return maskPhone(value)
  if (/^https?:\/\//.test(value)) return value
  return maskToken(value)
}

export function maskRecipient(to: Recipient): Recipient {
  if (typeof to === 'string') return maskAddress(to)
  if ('token' in to) return { ...to, token: maskToken(to.token) }
  return {
    ...to,
    ...(to.email ? { email: maskEmail(to.email) } : {}),
    ...(to.mobilePhone ? { mobilePhone: maskPhone(to.mobilePhone) } : {}),
  }
}

/** Header values of custom actions are never shown back. */
export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((k) => [k, '***']))
}
