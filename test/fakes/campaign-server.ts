/**
 * A local Adobe Campaign Message Center speaking SOAP on 127.0.0.1: it parses each `PushEvent` envelope
 * (so tests assert on fields, not strings) and answers a plId, plId 0 or a fault as told.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { XMLParser } from 'fast-xml-parser'

export interface ReceivedEvent {
  headers: IncomingHttpHeaders
  soapAction: string
  raw: string
  sessiontoken: string
  /** `rtEvent` attributes by name. */
  attributes: Record<string, string>
  /** `<ctx>` as parsed (children by name, repeated ones as arrays). */
  ctx: Record<string, unknown>
}

export type CampaignAnswer = 'plId' | 'plId0' | 'authFault' | 'serverFault' | 'clientFault' | 'http503'

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  processEntities: true,
  parseTagValue: false,
  isArray: (name, jpath) => String(jpath).includes('.ctx.') && name === 'item',
})

const envelope = (body: string) =>
  `<?xml version="1.0" encoding="utf-8"?><SOAP-ENV:Envelope xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>${body}</SOAP-ENV:Body></SOAP-ENV:Envelope>`

const fault = (code: string, string: string, detail: string) =>
  envelope(
    `<SOAP-ENV:Fault><faultcode>${code}</faultcode><faultstring>${string}</faultstring><detail>${detail}</detail></SOAP-ENV:Fault>`,
  )

export async function startCampaignServer({ answer = () => 'plId' }: { answer?: (n: number) => CampaignAnswer } = {}) {
  const received: ReceivedEvent[] = []
  let nextPlId = 1000
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const doc = parser.parse(raw)
      const call = doc?.Envelope?.Body?.PushEvent ?? {}
      const event = call?.domEvent?.rtEvent ?? {}
      const { ctx, ...attributes } = event
      const token = call.sessiontoken
      received.push({
        headers: req.headers,
        soapAction: String(req.headers.soapaction ?? ''),
        raw,
        sessiontoken: typeof token === 'string' ? token : '',
        attributes,
        ctx: ctx && typeof ctx === 'object' ? ctx : {},
      })
      const kind = answer(received.length)
      const send = (status: number, body: string) => {
        res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' })
        res.end(body)
      }
      switch (kind) {
        case 'plId':
          return send(
            200,
            envelope(
              `<urn:PushEventResponse xmlns:urn="urn:nms:rtEvent"><plId xsi:type="xsd:long">${nextPlId++}</plId></urn:PushEventResponse>`,
            ),
          )
        case 'plId0':
          return send(
            200,
            envelope(
              '<urn:PushEventResponse xmlns:urn="urn:nms:rtEvent"><plId xsi:type="xsd:long">0</plId></urn:PushEventResponse>',
            ),
          )
        case 'authFault':
          return send(
            500,
            fault(
              'SOAP-ENV:Client',
              "Error while reading parameters of method 'PushEvent' of service 'nms:rtEvent'.",
              'Invalid login or password. Connection denied.',
            ),
          )
        case 'clientFault':
          return send(500, fault('SOAP-ENV:Client', 'Invalid event', 'The event type is unknown.'))
        case 'serverFault':
          return send(500, fault('SOAP-ENV:Server', 'Database unavailable', 'Try again later.'))
        case 'http503':
          return send(503, 'busy')
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/nl/jsp/soaprouter.jsp`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
