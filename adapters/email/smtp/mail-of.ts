/**
 * The email a message becomes: stored content as it was rendered at intake (never re-rendered), the
 * same `Message-ID` on every attempt so a receiver can drop an at-least-once duplicate (SPEC section 5),
 * and RFC 8058 one-click unsubscribe headers on marketing mail (SPEC section 7).
 */
import type { SendMailOptions } from 'nodemailer'
import type { MessageRecord } from '../../../src/domain/message.ts'

/** The domain of `Name <addr@host>` or `addr@host`. */
export function domainOfMailbox(mailbox: string): string | undefined {
  const address = /<([^>]+)>\s*$/.exec(mailbox)?.[1] ?? mailbox
  const at = address.lastIndexOf('@')
  return at < 0
    ? undefined
    : address
        .slice(at + 1)
        .trim()
        .toLowerCase() || undefined
}

/** `<message id@domain of the sender>`: stable across attempts. */
export function messageIdOf(message: MessageRecord, from: string): string {
  return `<${message.id}@${domainOfMailbox(from) ?? 'sendgate.local'}>`
}

export interface MailOfOptions {
  /** Sender used when the message names none. */
  from: string
  /** The one-click unsubscribe URL of a marketing message; none leaves the headers out. */
  unsubscribeUrl?: (message: MessageRecord) => string | undefined
}

export function mailOf(message: MessageRecord, { from, unsubscribeUrl }: MailOfOptions): SendMailOptions {
  if (typeof message.to !== 'string') throw new TypeError(`message ${message.id}: an email recipient is an address`)
  const sender = message.from ?? from
  const { subject, html, text, attachments } = message.content
  const headers: Record<string, string | { prepared: true; value: string }> = { 'X-Message-Id': message.id }
  const url = message.category === 'marketing' ? unsubscribeUrl?.(message) : undefined
  if (url) {
    headers['List-Unsubscribe'] = { prepared: true, value: `<${url}>` }
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click'
  }
  return {
    from: sender,
    to: message.to,
    ...(message.replyTo ? { replyTo: message.replyTo } : {}),
    subject: subject ?? '',
    ...(html !== undefined ? { html } : {}),
    ...(text !== undefined ? { text } : {}),
    ...(attachments?.length
      ? {
          attachments: attachments.map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            content: Buffer.from(a.contentBase64, 'base64'),
          })),
        }
      : {}),
    messageId: messageIdOf(message, sender),
    headers,
  }
}
