/**
 * The FCM HTTP v1 push adapter (SPEC section 8): one `messages:send` per `send()`, authenticated with a
 * service-account access token shared by all sends. The dispatcher owns retries; the only retry made
 * here is the one a 401 calls for (a revoked or expired access token), after fetching a fresh token.
 */
import { importPKCS8 } from 'jose'
import type { ChannelAdapter, SendContext, SendResult } from '../../types.ts'
import { pushOf } from '../push-of.ts'
import { fcmAccessToken } from './fcm-access-token.ts'
import { fcmHttp, mayHaveBeenSent } from './fcm-http.ts'
import { fcmMessageBody } from './fcm-message.ts'
import { fcmOutcome, isExpiredAccessToken } from './fcm-outcome.ts'
import { type ServiceAccount, serviceAccountProblems } from './service-account.ts'

export interface FcmAdapterOptions {
  /** The parsed service account JSON (see `readServiceAccount`). */
  serviceAccount: ServiceAccount
  apiBase?: string
  tokenUrl?: string
  /** Clock for token expiry and `apns-expiration`; tests move it. */
  now?: () => number
  /** Connections per origin. */
  connections?: number
}

/** Builds the adapter; `close()` ends its connection pools. */
export function fcmAdapter({
  serviceAccount,
  apiBase = 'https://fcm.googleapis.com',
  tokenUrl = serviceAccount.token_uri ?? 'https://oauth2.googleapis.com/token',
  now = Date.now,
  connections = 64,
}: FcmAdapterOptions): ChannelAdapter & { close(): Promise<void> } {
  const http = fcmHttp({ connections })
  const accessToken = fcmAccessToken({ serviceAccount, tokenUrl, http, now })
  const sendUrl = new URL(
    `v1/projects/${encodeURIComponent(serviceAccount.project_id ?? '')}/messages:send`,
    apiBase.endsWith('/') ? apiBase : `${apiBase}/`,
  )

  async function post(body: string, context: SendContext, refreshed: boolean): Promise<SendResult> {
    const token = await accessToken.get()
    if (!token.ok) return token
    const answer = await http.post(sendUrl, {
      headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json; charset=utf-8' },
      body,
      timeoutMs: context.timeoutMs,
      ...(context.signal ? { signal: context.signal } : {}),
    })
    if (!answer.ok) {
      const ambiguous = mayHaveBeenSent(answer.error)
      return {
        ok: false,
        code: ambiguous && /timeout/i.test(answer.error.code ?? answer.error.name) ? 'TIMEOUT' : 'NETWORK',
        retryable: true,
        ...(ambiguous ? { ambiguous } : {}),
        detail: `FCM request failed: ${answer.error.message}`,
      }
    }
    if (isExpiredAccessToken(answer)) {
      accessToken.invalidate(token.token)
      if (!refreshed) return post(body, context, true)
      return {
        ok: false,
        code: 'PROVIDER_FCM_UNAUTHENTICATED',
        retryable: false,
        detail: 'FCM refused a freshly fetched access token (401)',
      }
    }
    return fcmOutcome(answer, now())
  }

  return {
    name: 'fcm',
    channels: ['push'],
    async send(message, context) {
      const { token, push } = pushOf(message)
      return post(JSON.stringify(fcmMessageBody(token, push, now())), context, false)
    },
    async verify() {
      const problems = serviceAccountProblems(serviceAccount)
      if (problems.length) throw new Error(`FCM service account: ${problems.join('; ')}`)
      try {
        await importPKCS8(serviceAccount.private_key, 'RS256')
      } catch (e) {
        throw new Error(`FCM service account: "private_key" is not a usable RSA PKCS#8 key (${(e as Error).message})`)
      }
    },
    close: () => http.close(),
  }
}
