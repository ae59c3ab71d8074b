import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { smtpAdapter } from '../../../adapters/email/smtp/smtp-adapter.ts'
import { renderTemplate } from '../../../src/templating/render-template.ts'
import { loadTemplates } from '../../../src/templating/template-registry.ts'
import { type FakeSmtpServer, startFakeSmtpServer } from '../../fakes/smtp-server.ts'
import { attempt, emailMessage } from './email-message.ts'

const FROM = 'Shop <no-reply@example.com>'

/** A port nothing listens on: listen, note the port, close. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

let server: FakeSmtpServer
let adapters: { close(): Promise<void> }[] = []

function adapterFor(options: Partial<Parameters<typeof smtpAdapter>[0]> = {}) {
  const adapter = smtpAdapter({ smtpUrl: server.url, from: FROM, ...options })
  adapters.push(adapter)
  return adapter
}

beforeEach(async () => {
  server = await startFakeSmtpServer()
})
afterEach(async () => {
  await Promise.all(adapters.map((a) => a.close()))
  adapters = []
  await server.close()
})

describe('smtpAdapter: the mail on the wire', () => {
  it('sends the rendered order-confirmation template, variables HTML-escaped in the HTML part only', async () => {
    const registry = await loadTemplates({ dir: 'templates' })
    const data = { firstName: '<b>Ana</b> & "co"', orderId: 'A-17', total: '12.50 EUR' }
    const content = renderTemplate(registry, { name: 'order-confirmation', channel: 'email', data })
    const message = emailMessage({ content, replyTo: 'help@example.com' })

    const result = await adapterFor().send(message, attempt())

    expect(result).toMatchObject({ ok: true, providerMessageId: 'Q1' })
    expect(result).not.toHaveProperty('delivered')
    const [mail] = await server.waitForMessages(1)
    const parsed = mail!.parsed
    expect(mail!.envelope).toEqual({ from: 'no-reply@example.com', to: ['ana@example.org'] })
    expect(parsed.from?.value[0]).toMatchObject({ address: 'no-reply@example.com', name: 'Shop' })
    expect(parsed.subject).toBe('Your order A-17 is confirmed')
    expect(parsed.replyTo?.value[0]?.address).toBe('help@example.com')
    expect(parsed.html).toContain('Thanks for your order, &lt;b&gt;Ana&lt;/b&gt; &amp; &quot;co&quot;!')
    expect(parsed.html).not.toContain('<b>Ana</b>')
    expect(parsed.text).toContain('Thanks for your order, <b>Ana</b> & "co"!')
    expect(parsed.messageId).toBe(`<${message.id}@example.com>`)
    expect(parsed.headers.get('x-message-id')).toBe(message.id)
    expect(parsed.headers.has('list-unsubscribe')).toBe(false)
    expect(parsed.headers.has('dkim-signature')).toBe(false)
  })

  it('uses the message sender, its domain in Message-ID, and carries attachments', async () => {
    const message = emailMessage({
      from: 'Billing <billing@shop.example>',
      content: {
        subject: 'Invoice',
        text: 'attached',
        attachments: [
          { filename: 'a.txt', contentType: 'text/plain', contentBase64: Buffer.from('hello file').toString('base64') },
        ],
      },
    })
    expect(await adapterFor().send(message, attempt())).toMatchObject({ ok: true })
    const [mail] = await server.waitForMessages(1)
    expect(mail!.parsed.from?.value[0]?.address).toBe('billing@shop.example')
    expect(mail!.parsed.messageId).toBe(`<${message.id}@shop.example>`)
    expect(mail!.parsed.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([
      ['a.txt', 'text/plain', 'hello file'],
    ])
  })

  it('puts RFC 8058 one-click unsubscribe headers on marketing mail only', async () => {
    const url = 'https://gw.example.com/v1/unsubscribe/eyJzIjoic2IifQ.c2ln'
    const adapter = adapterFor({ unsubscribeUrl: () => url })
    await adapter.send(emailMessage({ category: 'marketing' }), attempt())
    await adapter.send(emailMessage({ category: 'transactional' }), attempt())
    const [marketing, transactional] = await server.waitForMessages(2)
    const raw = marketing!.raw
    expect(raw).toContain(`List-Unsubscribe: <${url}>`)
    expect(raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click')
    expect(transactional!.raw).not.toMatch(/^List-Unsubscribe/im)
  })

  it('signs with DKIM, the key given as PEM text or as a path, covering the unsubscribe headers', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    })
    const dir = mkdtempSync(join(tmpdir(), 'sendgate-dkim-'))
    try {
      const path = join(dir, 'dkim.pem')
      writeFileSync(path, privateKey)
      const unsubscribeUrl = () => 'https://gw.example.com/v1/unsubscribe/t'
      const fromText = adapterFor({
        dkim: { domainName: 'example.com', keySelector: 'sel1', privateKey },
        unsubscribeUrl,
      })
      const fromPath = adapterFor({ dkim: { domainName: 'example.com', keySelector: 'sel2', privateKey: path } })
      expect(await fromText.send(emailMessage({ category: 'marketing' }), attempt())).toMatchObject({ ok: true })
      expect(await fromPath.send(emailMessage(), attempt())).toMatchObject({ ok: true })
      const mails = await server.waitForMessages(2)
      const signatures = mails.map((m) => m.raw.split(/\r?\n(?=\S)/).find((h) => h.startsWith('DKIM-Signature:')) ?? '')
      const bySelector = (s: string) => signatures.find((sig) => sig.includes(`s=${s};`)) ?? ''
      expect(bySelector('sel1')).toMatch(/d=example\.com;/)
      expect(bySelector('sel1').replace(/\s+/g, '')).toMatch(/h=[^;]*List-Unsubscribe:List-Unsubscribe-Post/i)
      expect(bySelector('sel2')).toMatch(/d=example\.com;/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses a DKIM key that is neither PEM nor a file at construction', () => {
    expect(() =>
      smtpAdapter({
        smtpUrl: server.url,
        from: FROM,
        dkim: { domainName: 'e.com', keySelector: 's', privateKey: '/no/such/key.pem' },
      }),
    ).toThrow(/DKIM private key/)
  })
})

describe('smtpAdapter: outcomes (SPEC section 8)', () => {
  it('550 5.1.1 at RCPT is a hard bounce: not retried, suppress hard_bounce', async () => {
    server.rule('gone@example.org', { code: 550, text: '5.1.1 <gone@example.org>: user unknown' })
    const result = await adapterFor().send(emailMessage({ to: 'gone@example.org' }), attempt())
    expect(result).toMatchObject({
      ok: false,
      code: 'HARD_BOUNCE',
      retryable: false,
      suppress: { kind: 'hard_bounce' },
    })
    expect(!result.ok && result.detail).toContain('550 5.1.1')
  })

  it('550 at RCPT without an enhanced status code is a hard bounce too', async () => {
    server.rule('nobody@example.org', { code: 550, text: 'No such user here' })
    const result = await adapterFor().send(emailMessage({ to: 'nobody@example.org' }), attempt())
    expect(result).toMatchObject({
      ok: false,
      code: 'HARD_BOUNCE',
      retryable: false,
      suppress: { kind: 'hard_bounce' },
    })
  })

  it('554 5.7.1 content rejection after DATA fails without suppression', async () => {
    server.rule('strict@example.org', { code: 554, text: '5.7.1 Message rejected as spam', atData: true })
    const result = await adapterFor().send(emailMessage({ to: 'strict@example.org' }), attempt())
    expect(result).toMatchObject({ ok: false, code: 'PROVIDER_SMTP_554', retryable: false })
    expect(result).not.toHaveProperty('suppress')
  })

  it('552 message too large is failed and ignored: no suppression', async () => {
    server.rule('small@example.org', { code: 552, text: '5.3.4 Message size exceeds fixed limit', atData: true })
    const result = await adapterFor().send(emailMessage({ to: 'small@example.org' }), attempt())
    expect(result).toMatchObject({ ok: false, code: 'PROVIDER_SMTP_552', retryable: false })
    expect(result).not.toHaveProperty('suppress')
  })

  it('451 is a soft bounce: retryable, counted; the next attempt carries the same Message-ID', async () => {
    server.rule('busy@example.org', { code: 451, text: '4.3.0 Try again later', times: 1 })
    const adapter = adapterFor()
    const message = emailMessage({ to: 'busy@example.org' })
    expect(await adapter.send(message, attempt(1))).toMatchObject({
      ok: false,
      code: 'PROVIDER_SMTP_451',
      retryable: true,
      suppress: { kind: 'soft_bounce' },
    })
    expect(await adapter.send(message, attempt(2))).toMatchObject({ ok: true })
    const [mail] = await server.waitForMessages(1)
    expect(mail!.parsed.messageId).toBe(`<${message.id}@example.com>`)
  })

  it('552 5.2.2 mailbox full at RCPT is a soft bounce', async () => {
    server.rule('full@example.org', { code: 552, text: '5.2.2 Mailbox full' })
    const result = await adapterFor().send(emailMessage({ to: 'full@example.org' }), attempt())
    expect(result).toMatchObject({
      ok: false,
      code: 'PROVIDER_SMTP_552',
      retryable: true,
      suppress: { kind: 'soft_bounce' },
    })
  })

  it('a server that is down is a retryable NETWORK error', async () => {
    const adapter = adapterFor({ smtpUrl: `smtp://127.0.0.1:${await closedPort()}` })
    const result = await adapter.send(emailMessage(), attempt())
    expect(result).toMatchObject({ ok: false, code: 'NETWORK', retryable: true })
    expect(result).not.toHaveProperty('ambiguous')
  })

  it('a connection lost before DATA is a retryable NETWORK error, not ambiguous', async () => {
    server.dropAtRcpt('flaky@example.org')
    const result = await adapterFor().send(emailMessage({ to: 'flaky@example.org' }), attempt())
    expect(result).toMatchObject({ ok: false, code: 'NETWORK', retryable: true })
    expect(result).not.toHaveProperty('ambiguous')
  })

  it('a connection lost after DATA is AMBIGUOUS and never retried', async () => {
    server.dropAfterData('lost@example.org')
    const result = await adapterFor().send(emailMessage({ to: 'lost@example.org' }), attempt())
    expect(result).toMatchObject({ ok: false, code: 'AMBIGUOUS', ambiguous: true, retryable: false })
    expect(server.received).toHaveLength(0)
  })

  it('a pool whose connection died after DATA keeps working for the next message', async () => {
    server.dropAfterData('lost@example.org')
    const adapter = adapterFor()
    expect(await adapter.send(emailMessage({ to: 'lost@example.org' }), attempt())).toMatchObject({ code: 'AMBIGUOUS' })
    expect(await adapter.send(emailMessage({ to: 'next@example.org' }), attempt())).toMatchObject({ ok: true })
  })
})

describe('smtpAdapter: pool and verify', () => {
  it('sends 200 messages at once over at most maxConnections connections', async () => {
    const adapter = adapterFor({ maxConnections: 3 })
    const messages = Array.from({ length: 200 }, (_, i) => emailMessage({ to: `user${i}@example.org` }))
    const results = await Promise.all(messages.map((m) => adapter.send(m, attempt())))
    expect(results.filter((r) => r.ok)).toHaveLength(200)
    expect(server.received).toHaveLength(200)
    expect(server.maxConcurrent()).toBeLessThanOrEqual(3)
    expect(server.connections()).toBeLessThanOrEqual(3)
  })

  it('verify() passes against a working server', async () => {
    await expect(adapterFor().verify()).resolves.toBeUndefined()
  })

  it('verify() names host, port and reason when the server is unreachable', async () => {
    const port = await closedPort()
    const adapter = adapterFor({ smtpUrl: `smtp://127.0.0.1:${port}` })
    await expect(adapter.verify()).rejects.toThrow(
      new RegExp(`SMTP check of 127\\.0\\.0\\.1:${port} failed .*ECONNREFUSED`),
    )
  })

  it('verify() reports wrong credentials with the server reply, never the password', async () => {
    const authServer = await startFakeSmtpServer({ auth: { user: 'shop', pass: 'right' } })
    try {
      const adapter = adapterFor({ smtpUrl: `smtp://shop:wrong-password@127.0.0.1:${authServer.port}` })
      const error = await adapter.verify().then(
        () => null,
        (e: Error) => e,
      )
      expect(error?.message).toContain(`127.0.0.1:${authServer.port}`)
      expect(error?.message).toContain('535')
      expect(error?.message).not.toContain('wrong-password')
      const ok = adapterFor({ smtpUrl: authServer.url })
      await expect(ok.verify()).resolves.toBeUndefined()
    } finally {
      await authServer.close()
    }
  })
})
