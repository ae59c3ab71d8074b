/**
 * The email adapter (SPEC section 8): nodemailer's pooled SMTP transport, one `send()` per attempt, the
 * dispatcher owning retries. It reports each answer as a value with a `suppress` hint (smtp-outcome.ts);
 * a 250 is `sent`, never `delivered` (only bounce webhooks can say more afterwards).
 */
import nodemailer, { type SendMailOptions, type SMTPPoolOptions } from 'nodemailer'
import type { MessageRecord } from '../../../src/domain/message.ts'
import type { ChannelAdapter, SendResult } from '../../types.ts'
import { type DataPhaseProbe, dataPhaseProbe } from './data-phase-probe.ts'
import { dkimPrivateKeyOf } from './dkim-key.ts'
import { mailOf } from './mail-of.ts'
import { queueIdOf, type SmtpFailure, smtpOutcomeOf } from './smtp-outcome.ts'

/** What the adapter needs of a nodemailer transporter; tests may pass their own. */
export interface SmtpTransport {
  sendMail(mail: SendMailOptions): Promise<{ messageId: string; response: string; serverMessageId?: string }>
  verify(): Promise<unknown>
  use(step: 'stream', plugin: DataPhaseProbe['plugin']): unknown
  close(): void
}

export interface DkimConfig {
  domainName: string
  keySelector: string
  /** PEM text or a path to a PEM file. */
  privateKey: string
}

export interface SmtpAdapterOptions {
  /** `smtp://user:pass@host:port` or `smtps://...` (implicit TLS). */
  smtpUrl: string
  /** Default sender, `Shop <no-reply@example.com>`. */
  from: string
  dkim?: DkimConfig
  /** The one-click unsubscribe URL of a marketing message (SPEC section 7). */
  unsubscribeUrl?: (message: MessageRecord) => string | undefined
  maxConnections?: number
  /** Messages per connection before the pool replaces it. */
  maxMessages?: number
  /** Connect, greeting and idle-socket limits; a socket silent this long after DATA is an ambiguous failure. */
  connectionTimeoutMs?: number
  socketTimeoutMs?: number
  transportFactory?: (options: SMTPPoolOptions & { pool: true }) => SmtpTransport
}

/** nodemailer's default signed headers plus RFC 8058's requirement that List-Unsubscribe-Post be covered. */
const dkimHeaderFieldNames = [
  'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding',
  'Content-ID:Content-Description:Resent-Date:Resent-From:Resent-Sender:Resent-To:Resent-Cc:Resent-Message-ID',
  'In-Reply-To:References:List-Id:List-Help:List-Unsubscribe:List-Unsubscribe-Post:List-Subscribe:List-Post',
  'List-Owner:List-Archive:X-Message-Id',
].join(':')

/** `host:port` of the SMTP URL, for messages (never the credentials). */
function endpointOf(smtpUrl: string): string {
  try {
    const url = new URL(smtpUrl)
    return `${url.hostname}:${url.port || (url.protocol === 'smtps:' ? '465' : '587')}`
  } catch {
    throw new Error('SMTP_URL is not a URL (expected smtp://user:pass@host:port)')
  }
}

/** Builds the adapter; `verify()` checks the server and credentials at start, `close()` ends the pool. */
export function smtpAdapter({
  smtpUrl,
  from,
  dkim,
  unsubscribeUrl,
  maxConnections = 5,
  maxMessages = 100,
  connectionTimeoutMs = 10_000,
  socketTimeoutMs = 60_000,
  transportFactory = (options) => nodemailer.createTransport(options),
}: SmtpAdapterOptions): ChannelAdapter & { verify(): Promise<void>; close(): Promise<void> } {
  const endpoint = endpointOf(smtpUrl)
  const transport = transportFactory({
    pool: true,
    url: smtpUrl,
    maxConnections,
    maxMessages,
    connectionTimeout: connectionTimeoutMs,
    greetingTimeout: connectionTimeoutMs,
    socketTimeout: socketTimeoutMs,
    // Content comes from the stored message only: nodemailer must never read files or URLs for it.
    disableFileAccess: true,
    disableUrlAccess: true,
    ...(dkim
      ? {
          dkim: {
            domainName: dkim.domainName,
            keySelector: dkim.keySelector,
            privateKey: dkimPrivateKeyOf(dkim.privateKey),
            headerFieldNames: dkimHeaderFieldNames,
          },
        }
      : {}),
  })
  const probe = dataPhaseProbe()
  transport.use('stream', probe.plugin)

  return {
    name: 'smtp',
    channels: ['email'],
    async send(message, context): Promise<SendResult> {
      let mail: SendMailOptions
      try {
        mail = mailOf(message, { from, unsubscribeUrl })
      } catch (error) {
        return { ok: false, code: 'PROVIDER_SMTP_INVALID_MESSAGE', retryable: false, detail: (error as Error).message }
      }
      const messageId = String(mail.messageId)
      try {
        const info = await transport.sendMail({ ...mail, ...(context.signal ? { signal: context.signal } : {}) })
        return {
          ok: true,
          providerMessageId: queueIdOf(info.response) ?? info.serverMessageId ?? info.messageId,
          detail: info.response.slice(0, 500),
        }
      } catch (error) {
        return smtpOutcomeOf(error as SmtpFailure, { dataSent: probe.dataSent(messageId) })
      } finally {
        probe.forget(messageId)
      }
    },
    async verify() {
      try {
        await transport.verify()
      } catch (error) {
        const e = error as SmtpFailure
        const reason = e.response ?? e.message
        throw new Error(
          `SMTP check of ${endpoint} failed (${e.code ?? 'error'}${e.command ? ` at ${e.command}` : ''}): ${reason}`,
          {
            cause: error,
          },
        )
      }
    },
    async close() {
      transport.close()
    },
  }
}
