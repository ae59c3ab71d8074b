/**
 * Twilio's webhooks (SPEC sections 7 and 8): the delivery status callback of each sent SMS/MMS and
 * inbound messages (STOP/START/HELP). No API key: each request proves itself with
 * `X-Twilio-Signature`, checked with the SDK against `PUBLIC_URL` + path + query, the URL Twilio was
 * given. They answer TwiML or 204, never problem+json.
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import twilio from 'twilio'
import { suppressHintForTwilioCode, twilioErrorCode } from '../../../adapters/sms/twilio/twilio-error-codes.ts'
import { maskPhone } from '../../domain/mask.ts'
import type { MessageStatus, TraceEntry } from '../../domain/message.ts'
import { normalizePhone } from '../../pipeline/recipients.ts'
import { createFeedback } from '../../suppression/feedback.ts'
import { classifySmsKeyword } from '../../suppression/sms-keywords.ts'
import type { GatewayDeps } from '../gateway-deps.ts'

/** Twilio's form bodies are small; anything larger is not from Twilio. */
const MAX_BODY_CHARS = 256 * 1024
/** A callback may race the dispatcher's own record of the 201. */
const CALLBACK_FROM: readonly MessageStatus[] = ['sent', 'sending']
const FAILED_STATUSES = new Set(['undelivered', 'failed'])

type FormParams = Record<string, string | string[]>

/** The form parameters of a request whose signature holds, else `null` (answer 403). */
async function signedParams(c: Context, deps: GatewayDeps): Promise<FormParams | null> {
  const authToken = deps.config.TWILIO_AUTH_TOKEN
  const signature = c.req.header('x-twilio-signature')
  if (!authToken || !signature) return null
  const text = await c.req.text()
  if (text.length > MAX_BODY_CHARS) return null
  const params: FormParams = {}
  for (const [key, value] of new URLSearchParams(text)) {
    const seen = params[key]
    params[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value]
  }
  const url = new URL(c.req.url)
  const signedUrl = `${deps.config.PUBLIC_URL}${url.pathname}${url.search}`
  return twilio.validateRequest(authToken, signature, signedUrl, params) ? params : null
}

const one = (params: FormParams, key: string): string | undefined => {
  const v = params[key]
  return Array.isArray(v) ? v[0] : v
}

const forbidden = (c: Context) => c.text('Invalid or missing X-Twilio-Signature', 403)

const twiml = (c: Context, message?: string) => {
  const response = new twilio.twiml.MessagingResponse()
  if (message) response.message(message)
  return c.body(response.toString(), 200, { 'content-type': 'text/xml; charset=utf-8' })
}

/** `POST /v1/webhooks/twilio/status` and `POST /v1/webhooks/twilio/inbound`. */
export function registerTwilioWebhookRoutes(app: OpenAPIHono, deps: GatewayDeps): void {
  const { store, config, logger } = deps
  const feedback = createFeedback({ store, clock: deps.clock, softBounceThreshold: config.SOFT_BOUNCE_THRESHOLD })
  const at = () => new Date(deps.clock.now()).toISOString()

  app.post('/v1/webhooks/twilio/status', async (c) => {
    const params = await signedParams(c, deps)
    if (!params) return forbidden(c)
    const sandbox = c.req.query('s')
    const id = c.req.query('m')
    const status = one(params, 'MessageStatus') ?? one(params, 'SmsStatus')
    const sid = one(params, 'MessageSid') ?? one(params, 'SmsSid')
    const message = sandbox && id ? await store.messages.get(sandbox, id) : null
    if (!message || (sid && message.providerMessageId && sid !== message.providerMessageId)) return c.body(null, 204)
    const sidField = sid && !message.providerMessageId ? { providerMessageId: sid } : {}

    if (status === 'delivered') {
      const done = await deps.status.change(message, 'delivered', {
        expectStatus: CALLBACK_FROM,
        set: sidField,
        trace: [{ at: at(), step: 'provider_callback', decision: 'delivered', detail: { provider: 'twilio', sid } }],
      })
      if (done) await feedback.apply(done, { kind: 'success' })
      return c.body(null, 204)
    }

    if (status && FAILED_STATUSES.has(status)) {
      const errorCode = Number(one(params, 'ErrorCode'))
      const known = Number.isInteger(errorCode) && errorCode > 0 ? errorCode : undefined
      const code =
        known === undefined ? `PROVIDER_TWILIO_${status.toUpperCase()}` : twilioErrorCode({ status: 200, code: known })
      const why = one(params, 'ErrorMessage')
      const detail = `Twilio reported ${status}${known === undefined ? '' : ` with error ${known}`}${why ? `: ${why}` : ''}`
      const done = await deps.status.change(message, 'failed', {
        expectStatus: CALLBACK_FROM,
        set: { ...sidField, error: { code, detail } },
        trace: [
          {
            at: at(),
            step: 'provider_callback',
            decision: status,
            detail: { provider: 'twilio', sid, errorCode: known },
          },
        ],
      })
      const hint = suppressHintForTwilioCode(known, { sender: config.smsSender, phone: String(message.to) })
      if (done && hint) {
        const entry: TraceEntry | null = await feedback.apply(done, hint)
        if (entry) await store.messages.update(done.sandbox, done.id, { trace: [entry] })
      }
    }
    return c.body(null, 204)
  })

  app.post('/v1/webhooks/twilio/inbound', async (c) => {
    const params = await signedParams(c, deps)
    if (!params) return forbidden(c)
    const phone = normalizePhone(one(params, 'From') ?? '', config.SMS_DEFAULT_REGION)
    const keyword = classifySmsKeyword(one(params, 'Body') ?? '')
    if (!phone || !keyword) return twiml(c)
    const sender = config.smsSender
    switch (keyword) {
      case 'opt_out':
        await store.smsOptOuts.add(sender, phone)
        logger.info({ sender, phone: maskPhone(phone) }, 'sms opt-out recorded')
        return twiml(c)
      case 'opt_in':
        await store.smsOptOuts.remove(sender, phone)
        logger.info({ sender, phone: maskPhone(phone) }, 'sms opt-out removed')
        return twiml(c)
      case 'help':
        return twiml(c, config.SMS_HELP_TEXT)
    }
  })
}
