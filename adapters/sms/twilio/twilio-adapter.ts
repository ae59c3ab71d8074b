/**
 * The SMS/MMS adapter (SPEC section 8): one `messages.create` call of the official Twilio SDK per
 * attempt. Twilio's 201 means `sent`; delivery comes later through the status callback. Error answers
 * are classified by `twilio-error-codes.ts`; the dispatch step applies the suppression hints.
 */
import twilio from 'twilio'
import { type Clock, systemClock } from '../../../src/domain/clock.ts'
import type { ChannelAdapter } from '../../types.ts'
import { asTwilioApiError, sendResultOfTransportError, sendResultOfTwilioError } from './twilio-error-codes.ts'
import { TwilioHttpClient } from './twilio-http-client.ts'
import { type TwilioCreateParams, twilioCreateParams } from './twilio-message-params.ts'

/** The part of the Twilio SDK client the adapter uses (inject a built client, or let the adapter build one). */
export interface TwilioMessagesClient {
  messages: { create(params: TwilioCreateParams): Promise<{ sid: string }> }
}

export interface TwilioAdapterOptions {
  accountSid: string
  authToken: string
  /** Sender number (E.164); ignored when `messagingServiceSid` is set. */
  from?: string
  messagingServiceSid?: string
  /** The gateway's public origin, for `StatusCallback`. */
  publicUrl: string
  /** Another origin for the REST API (`TWILIO_API_BASE`: a local fake in tests). */
  apiBase?: string
  /** A ready client; by default one is built on the SDK with `TwilioHttpClient`. */
  client?: TwilioMessagesClient
  /** Request timeout of the built client. */
  timeoutMs?: number
  clock?: Clock
}

/** Builds the adapter; throws at start-up when neither a sender number nor a messaging service is set. */
export function twilioAdapter({
  accountSid,
  authToken,
  from,
  messagingServiceSid,
  publicUrl,
  apiBase,
  client,
  timeoutMs = 30_000,
  clock = systemClock(),
}: TwilioAdapterOptions): ChannelAdapter {
  if (!from && !messagingServiceSid) throw new Error('twilioAdapter needs `from` or `messagingServiceSid`')
  const httpClient = new TwilioHttpClient({ apiBase, timeoutMs, now: () => clock.now() })
  const api: TwilioMessagesClient = client ?? twilio(accountSid, authToken, { httpClient })
  const sender = messagingServiceSid ?? from ?? ''

  return {
    name: 'twilio',
    channels: ['sms', 'mms'],
    async send(message) {
      const params = twilioCreateParams(message, { from, messagingServiceSid, publicUrl, nowMs: clock.now() })
      const outcome = await httpClient.capture(() => api.messages.create(params))
      if (outcome.ok)
        return {
          ok: true,
          providerMessageId: outcome.value.sid,
          awaitsReceipt: true,
          detail: `Twilio accepted ${outcome.value.sid}`,
        }
      const apiError = asTwilioApiError(outcome.error)
      if (!apiError) return sendResultOfTransportError(outcome.error)
      return sendResultOfTwilioError(apiError, { sender, phone: params.to, retryAfterMs: outcome.answer.retryAfterMs })
    },
  }
}
