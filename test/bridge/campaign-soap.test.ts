import { XMLParser } from 'fast-xml-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SENDER } from '../support/test-gateway.ts'
import { envelope, pushEvent, pushEvents, rtEvent, startBridgeGateway } from './bridge-gateway.ts'

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  isArray: (name) => name === 'plId',
})

/** Parses an answer back: the plIds of a response, or the fault. */
function answerOf(text: string) {
  const doc = xml.parse(text)
  const env = doc['SOAP-ENV:Envelope']
  const body = env?.['SOAP-ENV:Body'] ?? {}
  const fault = body['SOAP-ENV:Fault']
  const response = body['urn:PushEventResponse'] ?? body['urn:PushEventsResponse']
  return {
    env,
    fault: fault
      ? {
          code: fault.faultcode?.['#text'] ?? fault.faultcode,
          string: fault.faultstring?.['#text'] ?? '',
          detail: fault.detail?.['#text'] ?? '',
        }
      : null,
    response,
    plIds: ((response?.plId ?? []) as { '#text': string; '@_xsi:type': string }[]).map((p) => p['#text']),
  }
}

const MAX = 2 ** 53 - 1

describe('Message Center SOAP router', () => {
  let gw: Awaited<ReturnType<typeof startBridgeGateway>>
  beforeAll(async () => {
    gw = await startBridgeGateway()
  })
  afterAll(() => gw.stop())

  it('answers PushEvent with one plId and delivers the event rendered from ctx via the kebab-case template', async () => {
    const r = await gw.soap(
      pushEvent(
        rtEvent('email="Soap.One@Example.com" wishedChannel="0"', '<firstName>Soapy</firstName><code>K7</code>'),
      ),
    )
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toContain('text/xml')
    const a = answerOf(r.text)
    expect(a.env['@_xmlns:xsi']).toBe('http://www.w3.org/2001/XMLSchema-instance')
    expect(a.env['@_xmlns:xsd']).toBe('http://www.w3.org/2001/XMLSchema')
    expect(r.text).toMatch(
      /<urn:PushEventResponse xmlns:urn="urn:nms:rtEvent"><plId xsi:type="xsd:long">\d+<\/plId><\/urn:PushEventResponse>/,
    )
    expect(a.plIds).toHaveLength(1)
    const plId = Number(a.plIds[0])
    expect(plId).toBeGreaterThan(0)
    expect(plId).toBeLessThanOrEqual(MAX)
    const entry = await gw.outboxEntry('soap.one@example.com', (x) => x.text === 'Hello Soapy [K7]')
    expect(entry.rendered.subject).toBe('Event for Soapy')
    const messages = await gw.call('GET', '/v1/messages?to=soap.one@example.com')
    const m = messages.json.items[0]
    expect(m.template).toBe('acc-event')
    expect(m.metadata.campaign).toMatchObject({
      type: 'accEvent',
      eventId: 'EVTaccEvent',
      pkey: a.plIds[0],
      externalId: 'x1',
    })
    const ev = await gw.eventStatus(`/v1/campaign/EVTaccEvent/${a.plIds[0]}`, ['processed'])
    expect(ev.messageId).toBe(m.id)
  })

  it('answers PushEvents with one plId per event, in order', async () => {
    const events = [1, 2, 3].map((i) =>
      rtEvent(`email="multi${i}@example.com"`, `<firstName>M${i}</firstName><code>c${i}</code>`),
    )
    const r = await gw.soap(pushEvents(events), { action: 'nms:rtEvent#PushEvents' })
    expect(r.status).toBe(200)
    const a = answerOf(r.text)
    expect(r.text).toContain('<urn:PushEventsResponse xmlns:urn="urn:nms:rtEvent">')
    expect(a.plIds).toHaveLength(3)
    expect(new Set(a.plIds).size).toBe(3)
    for (const i of [1, 2, 3]) await gw.outboxEntry(`multi${i}@example.com`, (x) => x.text === `Hello M${i} [c${i}]`)
    const first = await gw.call('GET', '/v1/messages?to=multi1@example.com')
    expect(first.json.items[0].metadata.campaign.pkey).toBe(a.plIds[0])
  })

  it('sends nms:batchEvent on the slow lane: priority low, marketing', async () => {
    const ev = `<batchEvent type="newsLetter" email="batch@example.com"><ctx><firstName>Bea</firstName></ctx></batchEvent>`
    const body = envelope(
      `<urn:PushEvent><urn:sessiontoken/><urn:domEvent>${ev}</urn:domEvent></urn:PushEvent>`,
      'urn:nms:batchEvent',
    )
    const r = await gw.soap(body, { action: 'nms:batchEvent#PushEvent' })
    expect(r.status).toBe(200)
    expect(r.text).toContain('<urn:PushEventResponse xmlns:urn="urn:nms:batchEvent">')
    await gw.outboxEntry('batch@example.com', (x) => x.text === 'Hi Bea')
    const m = (await gw.call('GET', '/v1/messages?to=batch@example.com')).json.items[0]
    expect(m).toMatchObject({ priority: 'low', category: 'marketing', template: 'news-letter' })
    const many = pushEvents(
      [1, 2].map(
        (i) =>
          `<batchEvent type="news-letter" email="batch${i}@example.com"><ctx><firstName>B${i}</firstName></ctx></batchEvent>`,
      ),
      '',
      'urn:nms:batchEvent',
    )
    const r2 = await gw.soap(many, { action: 'nms:batchEvent#PushEvents' })
    expect(answerOf(r2.text).plIds).toHaveLength(2)
  })

  it('turns nested ctx with attributes and repeated elements into template data', async () => {
    const ctx =
      '<order id="A-1"><item name="tea" qty="2"/><item name="cake" qty="1"/><note>Tom &amp; Jerry &#233;</note></order>'
    const r = await gw.soap(
      pushEvent(rtEvent('email="nested@example.com"', ctx).replace('type="accEvent"', 'type="orderLines"')),
    )
    expect(r.status).toBe(200)
    const entry = await gw.outboxEntry('nested@example.com')
    expect(entry.rendered.text).toBe('Order A-1: teax2 cakex1 (Tom & Jerry é)')
  })

  it('routes by wishedChannel and addresses: SMS, iOS push', async () => {
    const sms = await gw.soap(pushEvent(rtEvent('mobilePhone="+1 415 555 0101"')))
    expect(sms.status).toBe(200)
    await gw.outboxEntry('+14155550101', (x) => x.body === 'Hello Ana [C1]')
    const push = await gw.soap(pushEvent(rtEvent('registrationToken="tok-ios-1" wishedChannel="41"')))
    expect(push.status).toBe(200)
    const entry = await gw.outboxEntry('tok-ios-1')
    expect(entry.channel).toBe('push')
  })

  it('authenticates with a sessiontoken of clientId/secret or apiKey/', async () => {
    const byClient = await gw.soap(pushEvent(rtEvent('email="client@example.com"'), 'client-1/secret-1'), { key: null })
    expect(byClient.status).toBe(200)
    const byKey = await gw.soap(pushEvent(rtEvent('email="apikey@example.com"'), 'test-send/'), { key: null })
    expect(byKey.status).toBe(200)
    await gw.outboxEntry('client@example.com')
  })

  it('faults bad credentials with Adobe’s wording (HTTP 500, SOAP-ENV:Client)', async () => {
    for (const attempt of [
      { token: '', key: 'wrong-key' },
      { token: '', key: null },
      { token: 'client-1/wrong', key: null },
      { token: 'nope/', key: null },
    ]) {
      const r = await gw.soap(pushEvent(rtEvent('email="denied@example.com"'), attempt.token), { key: attempt.key })
      expect(r.status).toBe(500)
      const a = answerOf(r.text)
      expect(a.fault).toEqual({
        code: 'SOAP-ENV:Client',
        string: "Error while reading parameters of method 'PushEvent' of service 'nms:rtEvent'.",
        detail: 'Invalid login or password. Connection denied.',
      })
    }
    const list = await gw.call('GET', '/v1/messages?to=denied@example.com')
    expect(list.json.items).toHaveLength(0)
  })

  it('faults malformed XML, an invalid email or phone, an unknown method', async () => {
    const broken = await gw.soap('<SOAP-ENV:Envelope><SOAP-ENV:Body><urn:PushEvent>')
    expect(broken.status).toBe(500)
    expect(answerOf(broken.text).fault?.string).toMatch(/^The XML SOAP message is invalid/)

    const email = await gw.soap(pushEvent(rtEvent('email="not-an-email"')))
    expect(email.status).toBe(500)
    const ef = answerOf(email.text).fault
    expect(ef?.code).toBe('SOAP-ENV:Client')
    expect(ef?.string).toContain("'email'")

    const phone = await gw.soap(pushEvent(rtEvent('mobilePhone="12"')))
    expect(answerOf(phone.text).fault?.string).toContain("'mobilePhone'")

    const unknown = await gw.soap(pushEvent(rtEvent('email="a@example.com"')), {
      action: 'nms:rtEvent#DeleteEverything',
    })
    expect(unknown.status).toBe(500)
    expect(answerOf(unknown.text).fault?.string).toMatch(/DeleteEverything/)
    const unknownService = await gw.soap(pushEvent(rtEvent('email="a@example.com"')), { action: 'xtk:session#Logon' })
    expect(answerOf(unknownService.text).fault).not.toBeNull()
  })

  it('queues nothing when one event of a collection is bad', async () => {
    const events = [
      rtEvent('email="good1@example.com"'),
      rtEvent('email="not-an-email"'),
      rtEvent('email="good2@example.com"'),
    ]
    const r = await gw.soap(pushEvents(events), { action: 'nms:rtEvent#PushEvents' })
    expect(r.status).toBe(500)
    expect(answerOf(r.text).fault?.string).toContain('event 2')
    await new Promise((res) => setTimeout(res, 100))
    for (const to of ['good1@example.com', 'good2@example.com']) {
      expect((await gw.call('GET', `/v1/messages?to=${to}`)).json.items).toHaveLength(0)
      expect((await gw.call('GET', `/v1/outbox?to=${to}`)).json.items).toHaveLength(0)
    }
  })

  it('refuses XXE, internal entities and billion laughs without expanding anything', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${pushEvent(rtEvent('email="xxe@example.com"', '<firstName>&xxe;</firstName><code>1</code>')).replace(/^<\?xml[^>]*>/, '')}`
    const internal = `<!DOCTYPE foo [<!ENTITY name "Injected">]>${pushEvent(rtEvent('email="xxe@example.com"', '<firstName>&name;</firstName><code>1</code>')).replace(/^<\?xml[^>]*>/, '')}`
    const lol = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('')
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${lol}]>${pushEvent(rtEvent('email="xxe@example.com"', '<firstName>&lol9;</firstName><code>1</code>')).replace(/^<\?xml[^>]*>/, '')}`
    for (const body of [xxe, internal, laughs]) {
      const started = Date.now()
      const r = await gw.soap(body)
      expect(Date.now() - started).toBeLessThan(2000)
      expect(r.status).toBe(500)
      expect(answerOf(r.text).fault?.string).toMatch(/^The XML SOAP message is invalid/)
      expect(r.text).not.toContain('root:')
      expect(r.text).not.toContain('Injected')
      expect(r.text.length).toBeLessThan(2000)
    }
    expect((await gw.call('GET', '/v1/messages?to=xxe@example.com')).json.items).toHaveLength(0)
  })

  it('refuses documents over 1 MB and nesting deeper than 32', async () => {
    const big = pushEvent(
      rtEvent('email="big@example.com"', `<firstName>${'a'.repeat(1024 * 1024)}</firstName><code>1</code>`),
    )
    const r = await gw.soap(big)
    expect(r.status).toBe(413)
    expect(answerOf(r.text).fault?.code).toBe('SOAP-ENV:Client')
    const deep = pushEvent(
      rtEvent(
        'email="deep@example.com"',
        `${'<a>'.repeat(40)}x${'</a>'.repeat(40)}<firstName>A</firstName><code>1</code>`,
      ),
    )
    const d = await gw.soap(deep)
    expect(d.status).toBe(500)
    expect(answerOf(d.text).fault?.string).toMatch(/^The XML SOAP message is invalid.*32/)
  })

  it('accepts an unknown event type or a missing variable and records the Campaign status', async () => {
    const unknown = await gw.soap(
      pushEvent(rtEvent('email="unknown.type@example.com"').replace('type="accEvent"', 'type="noSuchEvent"')),
    )
    expect(unknown.status).toBe(200)
    const [pkey] = answerOf(unknown.text).plIds
    const ev = await gw.call('GET', `/v1/campaign/EVTnoSuchEvent/${pkey}`)
    expect(ev.json).toMatchObject({ PKey: pkey, status: 'routingFailed' })

    const missing = await gw.soap(pushEvent(rtEvent('email="missing.var@example.com"', '<firstName>Ana</firstName>')))
    expect(missing.status).toBe(200)
    const [pk2] = answerOf(missing.text).plIds
    expect((await gw.call('GET', `/v1/campaign/EVTaccEvent/${pk2}`)).json.status).toBe('deliveryFailed')

    const nobody = await gw.soap(pushEvent(rtEvent('')))
    const [pk3] = answerOf(nobody.text).plIds
    expect((await gw.call('GET', `/v1/campaign/EVTaccEvent/${pk3}`)).json.status).toBe('targetingFailed')
  })

  it('accepts a send-only key and keeps events per sandbox', async () => {
    const r = await gw.soap(pushEvent(rtEvent('email="scoped@example.com"')), { key: SENDER })
    expect(r.status).toBe(200)
    const [pkey] = answerOf(r.text).plIds
    const other = await gw.call('GET', `/v1/campaign/EVTaccEvent/${pkey}`, undefined, {}, 'other-admin')
    expect(other.status).toBe(404)
  })

  it('accepts application/soap+xml with the action in the content type, and refuses other types', async () => {
    const r = await gw.soap(pushEvent(rtEvent('email="soap12@example.com"')), {
      action: '',
      contentType: 'application/soap+xml; charset=utf-8; action="nms:rtEvent#PushEvent"',
    })
    expect(r.status).toBe(200)
    const json = await gw.soap(pushEvent(rtEvent('email="json@example.com"')), { contentType: 'application/json' })
    expect(json.status).toBe(415)
    expect(answerOf(json.text).fault).not.toBeNull()
  })
})
