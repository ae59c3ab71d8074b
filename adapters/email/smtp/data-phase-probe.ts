/**
 * Tells whether a message's body had started to go out when its send failed. nodemailer reports a
 * connection lost before MAIL FROM and one lost after DATA the same way (`ECONNECTION`, command
 * `CONN`); only the second is ambiguous (SPEC section 5). The transport streams the body only after the
 * server's 354, so "the outermost message stream was read" is "DATA was accepted and the body is on
 * its way" — the same test nodemailer's pool uses to decide whether it may requeue a message.
 */
import type { Readable } from 'node:stream'
import type { MailMessage } from 'nodemailer'

type PluginCallback = (error?: Error | null) => void

export function dataPhaseProbe() {
  const streams = new Map<string, Readable>()
  return {
    /** A nodemailer 'stream' plugin: remembers the stream the transport will send for each Message-ID. */
    plugin(mail: MailMessage<unknown>, done: PluginCallback): void {
      const node = mail.message
      const id = node.messageId()
      const create = node.createReadStream.bind(node)
      node.createReadStream = (options) => {
        const stream = create(options)
        streams.set(id, stream)
        return stream
      }
      done()
    },
    /** True once the transport started reading the body of the message with this Message-ID. */
    dataSent(messageId: string): boolean {
      return streams.get(messageId)?.readableDidRead ?? false
    },
    forget(messageId: string): void {
      streams.delete(messageId)
    },
  }
}

export type DataPhaseProbe = ReturnType<typeof dataPhaseProbe>
