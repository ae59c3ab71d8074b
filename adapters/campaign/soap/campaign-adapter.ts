/**
 * The `campaign` channel (SPEC section 8): each message is pushed to an Adobe Campaign Message Center as
 * a SOAP `nms:rtEvent#PushEvent` (`type` = the event type verbatim, no local rendering). plId > 0 is
 * `sent` with the plId as provider id; plId 0 or a fault fails it, authentication faults without retry.
 */
import { type Dispatcher, Pool } from 'undici'
import type { CampaignTarget, MessageRecord } from '../../../src/domain/message.ts'
import type { ChannelAdapter, SendResult } from '../../types.ts'
import { ctxXml, escapeXml, readSoapAnswer } from './soap-xml.ts'

export interface CampaignAdapterOptions {
  /** The Message Center SOAP router, e.g. `https://mc.example.com/nl/jsp/soaprouter.jsp`. */
  url: string
  user?: string
  password?: string
  /** `CAMPAIGN_BEARER`: sent as `Authorization: Bearer` with an empty sessiontoken. */
  bearer?: string
  /** An undici dispatcher to use instead of the adapter's own pool (proxies, tests). */
  agent?: Dispatcher
  connections?: number
  /** Largest answer read, in bytes. */
  maxAnswerBytes?: number
}

const AUTH_FAULT = /invalid login|password|connection denied|session|not authorized|unauthori[sz]ed|authentication/i

/** The SOAP envelope for one message: the event's attributes from `to`, `<ctx>` from its data. */
export function pushEventEnvelope(message: MessageRecord, sessiontoken: string): string {
  const to = (typeof message.to === 'object' && !('token' in message.to) ? message.to : {}) as CampaignTarget
  const attrs: [string, string | number | undefined][] = [
    ['type', message.content.eventType ?? message.template],
    ['email', to.email],
    ['mobilePhone', to.mobilePhone],
    ['wishedChannel', to.wishedChannel],
    ['externalId', message.id],
    ['origin', 'sendgate'],
  ]
  const attributes = attrs
    .filter((a): a is [string, string | number] => a[1] !== undefined && a[1] !== '')
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('')
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:nms:rtEvent">' +
    '<SOAP-ENV:Header/><SOAP-ENV:Body><urn:PushEvent>' +
    `<urn:sessiontoken>${escapeXml(sessiontoken)}</urn:sessiontoken>` +
    `<urn:domEvent><rtEvent${attributes}><ctx>${ctxXml(message.content.ctx)}</ctx></rtEvent></urn:domEvent>` +
    '</urn:PushEvent></SOAP-ENV:Body></SOAP-ENV:Envelope>'
  )
}

/** Builds the adapter; `close()` ends its pool (not an injected agent). */
export function campaignAdapter({
  url,
  user,
  password,
  bearer,
  agent,
  connections = 16,
  maxAnswerBytes = 1024 * 1024,
}: CampaignAdapterOptions): ChannelAdapter & { close(): Promise<void> } {
  const target = new URL(url)
  const dispatcher = agent ?? new Pool(target.origin, { connections })
  const sessiontoken = bearer ? '' : user ? `${user}/${password ?? ''}` : ''
  const headers: Record<string, string> = {
    'content-type': 'text/xml; charset=utf-8',
    soapaction: '"nms:rtEvent#PushEvent"',
    ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
  }

  async function exchange(body: string, timeoutMs: number, signal?: AbortSignal) {
    let sent = false
    try {
      const res = await dispatcher.request({
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        headers,
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        ...(signal ? { signal } : {}),
      })
      sent = true
      const chunks: Buffer[] = []
      let size = 0
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length
        if (size > maxAnswerBytes) {
          res.body.destroy()
          break
        }
        chunks.push(chunk as Buffer)
      }
      return {
        ok: true as const,
        status: res.statusCode,
        text: Buffer.concat(chunks).toString('utf8'),
        retryAfter: res.headers['retry-after'],
      }
    } catch (e) {
      const code = (e as { code?: string }).code ?? ''
      // Anything after the connection was made may have reached Campaign: the outcome is unknown.
      const beforeSending =
        /UND_ERR_CONNECT|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH/.test(code) ||
        /ECONNREFUSED/.test(String(e))
      return { ok: false as const, sent: sent || !beforeSending, code, detail: (e as Error).message }
    }
  }

  return {
    name: 'campaign',
    channels: ['campaign'],
    async send(message, context): Promise<SendResult> {
      const answer = await exchange(pushEventEnvelope(message, sessiontoken), context.timeoutMs, context.signal)
      if (!answer.ok)
        return {
          ok: false,
          code: 'NETWORK',
          retryable: true,
          ambiguous: answer.sent,
          detail: `Campaign ${answer.sent ? 'did not answer' : 'unreachable'}: ${answer.code || answer.detail}`,
        }
      return resultOf(answer.status, answer.text, answer.retryAfter)
    },
    async close() {
      if (!agent) await (dispatcher as Pool).close()
    },
  }
}

/** Classifies Message Center's answer (SPEC section 8). */
export function resultOf(status: number, text: string, retryAfter?: string | string[]): SendResult {
  const soap = readSoapAnswer(text)
  if (soap.kind === 'plId' && status < 300) {
    if (/^[1-9][0-9]*$/.test(soap.plId)) return { ok: true, providerMessageId: soap.plId, detail: `plId ${soap.plId}` }
    return {
      ok: false,
      code: 'PROVIDER_CAMPAIGN_PLID_0',
      retryable: false,
      detail: `Campaign answered plId ${soap.plId || '(empty)'}`,
    }
  }
  if (soap.kind === 'fault') {
    const detail = [soap.faultcode, soap.faultstring, soap.detail].filter(Boolean).join(': ')
    if (status === 401 || status === 403 || AUTH_FAULT.test(`${soap.faultstring} ${soap.detail}`))
      return { ok: false, code: 'PROVIDER_CAMPAIGN_AUTH', retryable: false, detail }
    const server = /Server$/i.test(soap.faultcode)
    return {
      ok: false,
      code: server ? 'PROVIDER_CAMPAIGN_SERVER' : 'PROVIDER_CAMPAIGN_CLIENT',
      retryable: server,
      detail,
    }
  }
  if (status === 401 || status === 403)
    return { ok: false, code: 'PROVIDER_CAMPAIGN_AUTH', retryable: false, detail: `HTTP ${status}` }
  const seconds = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter)
  const wait = Number.isFinite(seconds) && seconds > 0 ? { retryAfterMs: seconds * 1000 } : {}
  const retryable = status >= 500 || status === 429 || status === 408
  const reason = soap.kind === 'unreadable' ? soap.reason : 'unexpected answer'
  return {
    ok: false,
    code: `PROVIDER_CAMPAIGN_HTTP_${status}`,
    retryable,
    ...wait,
    detail: `HTTP ${status}: ${reason}`,
  }
}
