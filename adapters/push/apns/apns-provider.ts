/**
 * The APNs connection the adapter talks to, narrowed to one call so the SDK is injected (STYLE.md 9):
 * the default wraps `@parse/node-apn` (HTTP/2, .p8 token auth) and is loaded only when APNs is used.
 */
import type { NotificationPushType, ProviderOptions, ResponseFailure, ResponseSent } from '@parse/node-apn'
import type { ApnsPush } from './apns-push.ts'

/** What APNs answered for one device, or why no answer came. */
export type ApnsAnswer =
  | { sent: true; apnsId?: string }
  | { sent: false; status: number; reason?: string; timestamp?: number }
  | { sent: false; status?: undefined; error: string; mayHaveBeenSent: boolean }

export interface ApnsProvider {
  send(push: ApnsPush): Promise<ApnsAnswer>
  shutdown(): Promise<void>
}

export type ApnsProviderFactory = (options: ProviderOptions) => ApnsProvider | Promise<ApnsProvider>

/** The default factory: one `apn.Provider` (one HTTP/2 session, JWT renewed by the SDK) for all sends. */
export const nodeApnProvider: ApnsProviderFactory = async (options) => {
  const { Provider, Notification } = await import('@parse/node-apn')
  const provider = new Provider(options)
  return {
    async send(push) {
      const note = new Notification()
      note.topic = push.topic
      // Apple adds push types over time; APNs itself judges the value (400 InvalidPushType).
      note.pushType = push.pushType as NotificationPushType
      note.priority = push.priority
      if (push.expiration !== undefined) note.expiry = push.expiration
      if (push.collapseId) note.collapseId = push.collapseId
      note.rawPayload = push.payload
      const { sent, failed } = await provider.send(note, push.token)
      return answerOf(sent[0], failed[0])
    },
    shutdown: () => provider.shutdown(),
  }
}

/** node-apn reports a status with `response.reason`, or (403 ExpiredProviderToken, 500) a status and an `error`, or only an `error`. */
export function answerOf(sent: ResponseSent | undefined, failed: ResponseFailure | undefined): ApnsAnswer {
  if (!failed) {
    const apnsId = sent && 'apns-id' in sent && typeof sent['apns-id'] === 'string' ? sent['apns-id'] : undefined
    return { sent: true, ...(apnsId ? { apnsId } : {}) }
  }
  if (typeof failed.status === 'number') {
    const reason = failed.response?.reason ?? reasonOfError(failed.error)
    const timestamp = Number(failed.response?.timestamp)
    return {
      sent: false,
      status: failed.status,
      ...(reason ? { reason } : {}),
      ...(Number.isFinite(timestamp) ? { timestamp } : {}),
    }
  }
  const error = failed.error?.message ?? 'unknown APNs failure'
  return { sent: false, error, mayHaveBeenSent: /write timeout|write aborted/.test(error) }
}

/**
 * The SDK turns `{reason: "ExpiredProviderToken"}` into an error whose message is the reason, and
 * `{reason: "InternalServerError"}` into "Error 500, stream ended unexpectedly" (lib/client.js).
 */
function reasonOfError(error: Error | undefined): string | undefined {
  if (!error) return undefined
  if (/^[A-Za-z]+$/.test(error.message)) return error.message
  return /^Error 500, stream ended unexpectedly/.test(error.message) ? 'InternalServerError' : undefined
}
