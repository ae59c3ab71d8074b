/** A test gateway with the Campaign and AJO routes mounted and templates for the bridge tests. */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { GatewayOverrides } from '../../src/server.ts'
import { ADMIN, startTestGateway } from '../support/test-gateway.ts'

export const bridgeTemplates: Record<string, string> = {
  'acc-event/email.subject.hbs': 'Event for {{firstName}}',
  'acc-event/email.html.hbs': '<p>Hello {{firstName}} [{{code}}]</p>',
  'acc-event/email.text.hbs': 'Hello {{firstName}} [{{code}}]',
  'acc-event/sms.hbs': 'Hello {{firstName}} [{{code}}]',
  'acc-event/push.json.hbs': '{"title": "Hello {{firstName}}", "body": "[{{code}}]"}',
  'order-lines/email.subject.hbs': 'Order {{order.id}}',
  'order-lines/email.text.hbs': 'Order {{order.id}}:{{#each order.item}} {{name}}x{{qty}}{{/each}} ({{order.note}})',
  'news-letter/email.subject.hbs': 'News for {{firstName}}',
  'news-letter/email.text.hbs': 'Hi {{firstName}}',
  'ajo-test/meta.json': JSON.stringify({ channel: 'email', category: 'transactional' }),
  'ajo-test/email.subject.hbs': 'Offer {{context.offerCode}}',
  'ajo-test/email.text.hbs': 'Amount {{context.amount}} for {{context.name}}',
  'ajo-sms/meta.json': JSON.stringify({ channel: 'sms' }),
  'ajo-sms/sms.hbs': 'Code {{context.code}}',
}

export const envelope = (inner: string, ns = 'urn:nms:rtEvent') =>
  `<?xml version="1.0" encoding="utf-8"?><SOAP-ENV:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="${ns}"><SOAP-ENV:Body>${inner}</SOAP-ENV:Body></SOAP-ENV:Envelope>`

export const pushEvent = (event: string, token = '') =>
  envelope(
    `<urn:PushEvent><urn:sessiontoken>${token}</urn:sessiontoken><urn:domEvent>${event}</urn:domEvent></urn:PushEvent>`,
  )

export const pushEvents = (events: string[], token = '', ns = 'urn:nms:rtEvent') =>
  envelope(
    `<urn:PushEvents><urn:sessiontoken>${token}</urn:sessiontoken><urn:domEventCollection><Events>${events.join('')}</Events></urn:domEventCollection></urn:PushEvents>`,
    ns,
  )

export const rtEvent = (attrs: string, ctx = '<firstName>Ana</firstName><code>C1</code>', element = 'rtEvent') =>
  `<${element} type="accEvent" ${attrs} origin="test" externalId="x1"><ctx>${ctx}</ctx></${element}>`

export async function startBridgeGateway(
  env: Record<string, string> = {},
  overrides: GatewayOverrides & { manual?: boolean } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'sendgate-bridge-templates-'))
  cpSync('templates', dir, { recursive: true })
  for (const [path, source] of Object.entries(bridgeTemplates)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), source)
  }
  const gw = await startTestGateway({ TEMPLATES_DIR: dir, ...env }, overrides)
  const { app } = gw.gateway

  const soap = async (
    body: string,
    {
      action = 'nms:rtEvent#PushEvent',
      key = ADMIN as string | null,
      contentType = 'text/xml; charset=utf-8',
      headers = {} as Record<string, string>,
    } = {},
  ) => {
    const res = await app.request('/nl/jsp/soaprouter.jsp', {
      method: 'POST',
      headers: {
        'content-type': contentType,
        soapaction: `"${action}"`,
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...headers,
      },
      body,
    })
    return { status: res.status, text: await res.text(), headers: res.headers }
  }

  /** Polls the outbox until an entry for `to` satisfies `match`. */
  const outboxEntry = async (
    to: string,
    match: (rendered: Record<string, unknown>) => boolean = () => true,
    key = ADMIN,
    ms = 10_000,
  ) => {
    const until = Date.now() + ms
    while (Date.now() < until) {
      const r = await gw.call('GET', `/v1/outbox?to=${encodeURIComponent(to)}`, undefined, {}, key)
      const hit = (r.json?.items ?? []).find((i: { rendered: Record<string, unknown> }) => match(i.rendered))
      if (hit) return hit
      await new Promise((r) => setTimeout(r, 20))
    }
    throw new Error(`no outbox entry for ${to}`)
  }

  /** Polls `GET path` until its `status` is one of `wanted`. */
  const eventStatus = async (path: string, wanted: string[], ms = 10_000) => {
    const until = Date.now() + ms
    for (;;) {
      const last = (await gw.call('GET', path)).json
      if (wanted.includes(last?.status)) return last
      if (Date.now() >= until) throw new Error(`event ${path} is ${last?.status}, wanted ${wanted.join('|')}`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  return {
    ...gw,
    soap,
    outboxEntry,
    eventStatus,
    stop: async () => {
      await gw.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
