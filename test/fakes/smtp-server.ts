/**
 * A real SMTP server (`smtp-server`) on 127.0.0.1 for adapter and end-to-end tests: it keeps every
 * message it accepted (raw and parsed back with mailparser), counts connections, and answers chosen
 * recipients with chosen replies so each SMTP outcome of SPEC section 8 can be produced on the wire.
 */
import type { AddressInfo, Socket } from 'node:net'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer, type SMTPServerSession } from 'smtp-server'

export interface ReceivedMail {
  raw: string
  parsed: ParsedMail
  envelope: { from: string; to: string[] }
}

/** What the server answers to RCPT TO for one recipient. */
export interface RecipientRule {
  /** SMTP reply code, e.g. 550. */
  code: number
  /** Reply text after the code, e.g. `5.1.1 User unknown` (enhanced status code included by hand). */
  text: string
  /** Answer like this this many times, then accept; unset = always. */
  times?: number
  /** Answer at DATA's end (after the message body) instead of at RCPT TO. */
  atData?: boolean
}

export interface FakeSmtpServer {
  port: number
  url: string
  received: ReceivedMail[]
  /** Connections accepted so far. */
  connections(): number
  /** Most connections open at the same time. */
  maxConcurrent(): number
  /** RCPT TO (or end of DATA) answers for an address. */
  rule(address: string, rule: RecipientRule): void
  /** Read the next message to this address whole, then drop the connection without answering. */
  dropAfterData(address: string): void
  /** Drop the connection at the next RCPT TO for this address, before anything of the message was sent. */
  dropAtRcpt(address: string): void
  /** RCPT TO commands seen for an address (one per delivery attempt that got that far). */
  attempts(address: string): number
  /** Waits until `n` messages were received. */
  waitForMessages(n: number, ms?: number): Promise<ReceivedMail[]>
  close(): Promise<void>
}

function replyError(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code })
}

/** Starts the server on a free port; `auth` makes it require that user/password. */
export async function startFakeSmtpServer({
  auth,
}: {
  auth?: { user: string; pass: string }
} = {}): Promise<FakeSmtpServer> {
  const received: ReceivedMail[] = []
  const rules = new Map<string, RecipientRule>()
  const drops = new Set<string>()
  const rcptDrops = new Set<string>()
  const tries = new Map<string, number>()
  const sockets = new Set<Socket>()
  let total = 0
  let peak = 0

  const socketOf = (session: SMTPServerSession) =>
    [...sockets].find((s) => s.remotePort === session.remotePort && s.remoteAddress === session.remoteAddress)

  /** Applies a rule once; returns the error to answer with, or null to accept. */
  function ruleFor(address: string, atData: boolean): Error | null {
    const rule = rules.get(address)
    if (!rule || Boolean(rule.atData) !== atData) return null
    if (rule.times !== undefined) {
      if (rule.times <= 0) return null
      rule.times -= 1
    }
    return replyError(rule.code, rule.text)
  }

  const server = new SMTPServer({
    authOptional: !auth,
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(credentials, _session, callback) {
      if (auth && credentials.username === auth.user && credentials.password === auth.pass)
        return callback(null, { user: auth.user })
      callback(replyError(535, 'Authentication credentials invalid'))
    },
    onRcptTo(address, session, callback) {
      const to = address.address.toLowerCase()
      tries.set(to, (tries.get(to) ?? 0) + 1)
      if (rcptDrops.delete(to)) {
        socketOf(session)?.destroy()
        return
      }
      callback(ruleFor(to, false))
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase())
        const dropped = to.find((a) => drops.has(a))
        if (dropped) {
          drops.delete(dropped)
          socketOf(session)?.destroy()
          return
        }
        const rejection = to.map((a) => ruleFor(a, true)).find((e) => e !== null)
        if (rejection) return callback(rejection)
        const raw = Buffer.concat(chunks).toString('utf8')
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : ''
        simpleParser(raw).then(
          (parsed) => {
            received.push({ raw, parsed, envelope: { from, to } })
            callback(null, `OK queued as Q${received.length}`)
          },
          (error: Error) => callback(error),
        )
      })
    },
  })

  server.server.on('connection', (socket: Socket) => {
    total += 1
    sockets.add(socket)
    peak = Math.max(peak, sockets.size)
    socket.once('close', () => sockets.delete(socket))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const port = (server.server.address() as AddressInfo).port

  return {
    port,
    url: auth ? `smtp://${auth.user}:${auth.pass}@127.0.0.1:${port}` : `smtp://127.0.0.1:${port}`,
    received,
    connections: () => total,
    maxConcurrent: () => peak,
    rule: (address, rule) => rules.set(address.toLowerCase(), { ...rule }),
    dropAfterData: (address) => drops.add(address.toLowerCase()),
    dropAtRcpt: (address) => rcptDrops.add(address.toLowerCase()),
    attempts: (address) => tries.get(address.toLowerCase()) ?? 0,
    async waitForMessages(n, ms = 10_000) {
      const until = Date.now() + ms
      while (received.length < n) {
        if (Date.now() > until) throw new Error(`received ${received.length} messages, wanted ${n}`)
        await new Promise((r) => setTimeout(r, 10))
      }
      return received
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
