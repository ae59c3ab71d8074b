/**
 * A local fake of Twilio's Messages API speaking its wire format: form-encoded
 * `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` with HTTP Basic auth (account SID and auth
 * token), answered 201 with a Message resource or with Twilio's error body `{code, message, more_info,
 * status}` and the matching HTTP status. Every request is recorded for assertions.
 *
 * Magic `To` numbers (Twilio's own test numbers use the +1500555 range too):
 *
 * | To            | answer                                                         |
 * |---------------|----------------------------------------------------------------|
 * | +15005550001  | 400, 21211 invalid `To` number                                 |
 * | +15005550009  | 400, 21614 `To` is not a mobile number                         |
 * | +15005550010  | 400, 21610 attempt to send to an unsubscribed recipient        |
 * | +15005550011  | 429, 20429 too many requests, `Retry-After: 1`                 |
 * | +15005550012  | 500, 20500 internal server error                               |
 * | +15005550013  | 400, 30410 provider timeout                                    |
 * | +15005550014  | no answer at all (the request hangs until the client gives up) |
 * | +15005550015  | 400, 21408 permission to send to this region not enabled       |
 * | +15005550016  | 503 with an HTML body (no Twilio JSON)                         |
 *
 * Missing `To` → 400 21604; neither `From` nor `MessagingServiceSid` → 400 21603; neither `Body` nor
 * `MediaUrl` → 400 21602; wrong credentials → 401 20003; another account's path → 404 20404.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export const twilioMagicNumbers = {
  invalidNumber: '+15005550001',
  notMobile: '+15005550009',
  optedOut: '+15005550010',
  rateLimited: '+15005550011',
  serverError: '+15005550012',
  providerTimeout: '+15005550013',
  hang: '+15005550014',
  regionNotEnabled: '+15005550015',
  htmlError: '+15005550016',
} as const

interface FakeError {
  status: number
  code?: number
  message: string
  headers?: Record<string, string>
  html?: boolean
}

const errorsByTo: Record<string, FakeError> = {
  [twilioMagicNumbers.invalidNumber]: {
    status: 400,
    code: 21211,
    message: "The 'To' number is not a valid phone number.",
  },
  [twilioMagicNumbers.notMobile]: { status: 400, code: 21614, message: "'To' number is not a valid mobile number" },
  [twilioMagicNumbers.optedOut]: { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' },
  [twilioMagicNumbers.rateLimited]: {
    status: 429,
    code: 20429,
    message: 'Too Many Requests',
    headers: { 'retry-after': '1' },
  },
  [twilioMagicNumbers.serverError]: { status: 500, code: 20500, message: 'Internal Server Error' },
  [twilioMagicNumbers.providerTimeout]: { status: 400, code: 30410, message: 'Provider Timeout Error' },
  [twilioMagicNumbers.regionNotEnabled]: {
    status: 400,
    code: 21408,
    message: 'Permission to send an SMS has not been enabled for the region indicated by the To number',
  },
  [twilioMagicNumbers.htmlError]: { status: 503, message: '<html><body>Service Unavailable</body></html>', html: true },
}

export interface RecordedTwilioRequest {
  method: string
  path: string
  headers: IncomingMessage['headers']
  /** The decoded form body: `form.get('To')`, `form.getAll('MediaUrl')`. */
  form: URLSearchParams
  /** Whether the Basic credentials matched. */
  authorized: boolean
}

export interface FakeTwilio {
  /** Origin to use as `TWILIO_API_BASE`. */
  url: string
  accountSid: string
  authToken: string
  requests: RecordedTwilioRequest[]
  /** Requests to the Messages endpoint that passed authentication. */
  messageRequests(): RecordedTwilioRequest[]
  close(): Promise<void>
}

const sidOf = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`

/** Starts the fake on 127.0.0.1 on a free port. */
export async function startFakeTwilio({
  accountSid = sidOf('AC'),
  authToken = randomBytes(16).toString('hex'),
}: {
  accountSid?: string
  authToken?: string
} = {}): Promise<FakeTwilio> {
  const requests: RecordedTwilioRequest[] = []

  function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }

  function sendError(res: ServerResponse, error: FakeError) {
    if (error.html) {
      res.writeHead(error.status, { 'content-type': 'text/html' })
      res.end(error.message)
      return
    }
    sendJson(
      res,
      error.status,
      {
        code: error.code,
        message: error.message,
        more_info: `https://www.twilio.com/docs/errors/${error.code}`,
        status: error.status,
      },
      error.headers,
    )
  }

  function authorized(header: string | undefined): boolean {
    const m = /^Basic (.+)$/.exec(header ?? '')
    if (!m?.[1]) return false
    return Buffer.from(m[1], 'base64').toString('utf8') === `${accountSid}:${authToken}`
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
      const ok = authorized(req.headers.authorization)
      requests.push({ method: req.method ?? '', path, headers: req.headers, form, authorized: ok })
      if (!ok) return sendError(res, { status: 401, code: 20003, message: 'Authenticate' })
      const m = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(path)
      if (!m || req.method !== 'POST')
        return sendError(res, { status: 404, code: 20404, message: 'The requested resource was not found' })
      if (m[1] !== accountSid)
        return sendError(res, { status: 404, code: 20404, message: 'The requested resource was not found' })

      const to = form.get('To')
      const from = form.get('From')
      const service = form.get('MessagingServiceSid')
      const body = form.get('Body')
      const media = form.getAll('MediaUrl')
      if (!to) return sendError(res, { status: 400, code: 21604, message: "A 'To' phone number is required." })
      if (!from && !service)
        return sendError(res, { status: 400, code: 21603, message: "A 'From' phone number is required." })
      if (!body && media.length === 0)
        return sendError(res, { status: 400, code: 21602, message: 'Message body is required.' })
      if (to === twilioMagicNumbers.hang) return // never answered; closed by close()
      const error = errorsByTo[to]
      if (error) return sendError(res, error)

      const sid = sidOf(media.length ? 'MM' : 'SM')
      const now = new Date().toUTCString()
      sendJson(res, 201, {
        account_sid: accountSid,
        api_version: '2010-04-01',
        body: body ?? '',
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: from ?? null,
        messaging_service_sid: service ?? null,
        num_media: String(media.length),
        num_segments: '1',
        price: null,
        price_unit: 'USD',
        sid,
        status: from ? 'queued' : 'accepted',
        subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
        to,
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    requests,
    messageRequests: () => requests.filter((r) => r.authorized && r.path.endsWith('/Messages.json')),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
