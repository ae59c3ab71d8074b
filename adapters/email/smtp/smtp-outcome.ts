/**
 * SPEC section 8's email rules applied to one nodemailer failure. nodemailer reports the reply as
 * `response` ("550 5.1.1 <a@b>: user unknown"), its number as `responseCode`, the step as `command`
 * ('CONN', 'EHLO', 'AUTH PLAIN', 'MAIL FROM', 'RCPT TO', 'DATA', 'API') and its own kind as `code`
 * ('ECONNECTION', 'ETIMEDOUT', 'EENVELOPE', ...).
 */
import type { SendResult } from '../../types.ts'

/** The fields of a nodemailer error the classification reads. */
export interface SmtpFailure {
  message: string
  code?: string
  responseCode?: number
  response?: string
  command?: string
}

/** Errors that end the connection rather than answer the message. */
const connectionCodes = new Set([
  'ECONNECTION',
  'ESOCKET',
  'ETIMEDOUT',
  'EDNS',
  'ETLS',
  'EPROXY',
  'EABORT',
  'EPROTOCOL',
])
/** Commands of the session, not of one message: a 4xx there says nothing about the recipient. */
const sessionCommand = /^(CONN|GREETING|EHLO|HELO|LHLO|STARTTLS|AUTH\b)/
/** Commands whose answer is about the recipient. */
const recipientCommands = new Set(['RCPT TO', 'DATA'])
/** Enhanced status codes about the sender, not the recipient (bad sender mailbox syntax / system). */
const senderStatuses = new Set(['5.1.7', '5.1.8'])

/** `550 5.1.1 ...` → `5.1.1`; none when the reply has no enhanced status code (RFC 3463). */
export function enhancedStatusOf(response: string | undefined): string | undefined {
  return /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})(?=\s|$)/.exec(response ?? '')?.[1]
}

/**
 * The id the server gave the accepted message, from its 250 reply: Postfix `queued as 4Bc1X2`, Exim
 * `id=1rAbC-0001Xy-2Q`. Lets an operator find the message in the relay's logs.
 */
export function queueIdOf(response: string | undefined): string | undefined {
  return /\bqueued as:? <?([\w.@-]+)>?/i.exec(response ?? '')?.[1] ?? /\bid=<?([\w.@-]+)>?/i.exec(response ?? '')?.[1]
}

/**
 * Classifies a failed send. `dataSent` is whether the message body had started to go out after DATA:
 * a connection lost then is `AMBIGUOUS` (the server may have queued it) and is never re-sent.
 */
export function smtpOutcomeOf(error: SmtpFailure, { dataSent }: { dataSent: boolean }): SendResult {
  const reply = error.response?.trim()
  const detail = `${error.command ?? 'SMTP'}: ${(reply ?? error.message).slice(0, 500)}`
  const replyCode = typeof error.responseCode === 'number' ? error.responseCode : undefined

  if (replyCode === undefined) {
    const kind = error.code ?? ''
    const lostConnection =
      connectionCodes.has(kind) || /^E(CONNREFUSED|CONNRESET|HOSTUNREACH|NETUNREACH|PIPE|AI_AGAIN)$/.test(kind)
    if (lostConnection && dataSent)
      return {
        ok: false,
        code: 'AMBIGUOUS',
        retryable: false,
        ambiguous: true,
        detail: `connection lost after DATA: ${detail}`,
      }
    if (lostConnection) return { ok: false, code: 'NETWORK', retryable: true, detail }
    // Nothing reached the server (bad envelope, over the size limit, missing credentials): sending it
    // again gets the same answer.
    return { ok: false, code: `PROVIDER_SMTP_${kind || 'ERROR'}`, retryable: false, detail }
  }

  const command = error.command ?? ''
  const status = enhancedStatusOf(reply)
  const code = `PROVIDER_SMTP_${replyCode}`
  const aboutRecipient = recipientCommands.has(command)

  // The server is closing or never opened a session for us: a plain transient connection error.
  if (replyCode === 421 || (sessionCommand.test(command) && replyCode < 500))
    return { ok: false, code: 'NETWORK', retryable: true, detail }
  if (aboutRecipient && status?.startsWith('5.1.') && !senderStatuses.has(status))
    return { ok: false, code: 'HARD_BOUNCE', retryable: false, suppress: { kind: 'hard_bounce' }, detail }
  if (command === 'RCPT TO' && !status && (replyCode === 550 || replyCode === 551 || replyCode === 553))
    return { ok: false, code: 'HARD_BOUNCE', retryable: false, suppress: { kind: 'hard_bounce' }, detail }
  if (aboutRecipient && (status === '5.2.2' || (replyCode >= 400 && replyCode < 500)))
    return { ok: false, code, retryable: true, suppress: { kind: 'soft_bounce' }, detail }
  // 4xx to MAIL FROM, or 503 (bad sequence: the session, not the message): try again, the recipient is not at fault.
  if (replyCode < 500 || replyCode === 503) return { ok: false, code, retryable: true, detail }
  // Other permanent answers: too large (552), content or policy rejections (554 5.7.x), authentication (535).
  return { ok: false, code, retryable: false, detail }
}
