/**
 * Google's OAuth2 service-account flow for FCM (SPEC section 8): a JWT signed locally with the
 * account's RSA key is exchanged for an access token, which is cached until 60 s before it expires and
 * shared by every concurrent send, so a burst of 100 pushes costs one token fetch, not 100.
 */
import { importPKCS8, SignJWT } from 'jose'
import type { SendResult } from '../../types.ts'
import { type FcmHttp, parseJsonObject } from './fcm-http.ts'
import type { ServiceAccount } from './service-account.ts'

export const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging'
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
const ASSERTION_TTL_S = 3600
/** A cached token is replaced this long before Google says it expires. */
const EARLY_REFRESH_MS = 60_000
const TOKEN_TIMEOUT_MS = 10_000

export type TokenAnswer = { ok: true; token: string } | Extract<SendResult, { ok: false }>

export interface FcmAccessTokenOptions {
  serviceAccount: ServiceAccount
  tokenUrl: string
  http: FcmHttp
  now: () => number
}

/** The token source of one adapter: `get()` answers from the cache or joins the one fetch in flight. */
export function fcmAccessToken({ serviceAccount, tokenUrl, http, now }: FcmAccessTokenOptions) {
  let cached: { token: string; refreshAtMs: number } | undefined
  let inFlight: Promise<TokenAnswer> | undefined
  let signingKey: ReturnType<typeof importPKCS8> | undefined

  async function assertion(): Promise<string> {
    signingKey ??= importPKCS8(serviceAccount.private_key, 'RS256')
    const iat = Math.floor(now() / 1000)
    return new SignJWT({ scope: FCM_SCOPE })
      .setProtectedHeader({
        alg: 'RS256',
        typ: 'JWT',
        ...(serviceAccount.private_key_id ? { kid: serviceAccount.private_key_id } : {}),
      })
      .setIssuer(serviceAccount.client_email)
      .setAudience(tokenUrl)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ASSERTION_TTL_S)
      .sign(await signingKey)
  }

  async function fetchToken(): Promise<TokenAnswer> {
    let jwt: string
    try {
      jwt = await assertion()
    } catch (e) {
      signingKey = undefined
      return failure('PROVIDER_FCM_AUTH', false, `cannot sign the OAuth2 assertion: ${(e as Error).message}`)
    }
    const answer = await http.post(new URL(tokenUrl), {
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: JWT_BEARER, assertion: jwt }).toString(),
      timeoutMs: TOKEN_TIMEOUT_MS,
    })
    if (!answer.ok) return failure('NETWORK', true, `OAuth2 token request failed: ${answer.error.message}`)
    const body = parseJsonObject(answer.text)
    if (answer.status !== 200) {
      const error = typeof body?.error === 'string' ? body.error : `HTTP ${answer.status}`
      const description = typeof body?.error_description === 'string' ? `: ${body.error_description}` : ''
      const transient = answer.status === 429 || answer.status >= 500
      return failure('PROVIDER_FCM_AUTH', transient, `OAuth2 token request refused (${error})${description}`)
    }
    const token = body?.access_token
    const expiresIn = typeof body?.expires_in === 'number' ? body.expires_in : Number(body?.expires_in)
    if (typeof token !== 'string' || !token || !Number.isFinite(expiresIn))
      return failure('PROVIDER_FCM_AUTH', true, 'OAuth2 token answer has no access_token/expires_in')
    cached = { token, refreshAtMs: now() + expiresIn * 1000 - EARLY_REFRESH_MS }
    return { ok: true, token }
  }

  return {
    /** A valid access token: the cached one, or the result of the single fetch in flight. */
    get(): Promise<TokenAnswer> {
      if (cached && now() < cached.refreshAtMs) return Promise.resolve({ ok: true, token: cached.token })
      inFlight ??= fetchToken().finally(() => {
        inFlight = undefined
      })
      return inFlight
    },
    /** FCM refused `token` (401): forget it, unless a newer one already replaced it. */
    invalidate(token: string): void {
      if (cached?.token === token) cached = undefined
    },
  }
}

export type FcmAccessToken = ReturnType<typeof fcmAccessToken>

function failure(code: string, retryable: boolean, detail: string): TokenAnswer {
  return { ok: false, code, retryable, detail }
}
