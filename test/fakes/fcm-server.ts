/**
 * A local FCM HTTP v1 + Google OAuth2 token endpoint speaking the real wire formats. The token
 * endpoint verifies the service-account JWT (RS256, iss, aud, scope) with the account's public key
 * and counts fetches; `messages:send` checks the bearer token and records every request. Magic
 * registration tokens trigger FCM's error answers:
 *
 *   unregistered-…  404 UNREGISTERED          invalid-token-…  400 INVALID_ARGUMENT (the token)
 *   invalid-arg-…   400 INVALID_ARGUMENT (a field)   quota-…  429 QUOTA_EXCEEDED, Retry-After: 7
 *   unavailable-…   503 UNAVAILABLE           internal-…       500 INTERNAL
 *   expired-auth-…  401 UNAUTHENTICATED once per registration token (the access token is revoked)
 *   unauthenticated-…  401 UNAUTHENTICATED every time
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { jwtVerify } from 'jose'

export interface FcmRequest {
  authorization: string | undefined
  contentType: string | undefined
  body: FcmRequestBody
}

export interface FcmRequestBody {
  message?: Record<string, unknown> & { token?: unknown }
}

export type FcmFault =
  | 'unregistered'
  | 'invalid-token'
  | 'invalid-arg'
  | 'quota'
  | 'unavailable'
  | 'internal'
  | 'expired-auth'
  | 'unauthenticated'

const faults: FcmFault[] = [
  'unregistered',
  'invalid-token',
  'invalid-arg',
  'quota',
  'unavailable',
  'internal',
  'expired-auth',
  'unauthenticated',
]

/** A service account whose RSA key was made for this test run. */
export function testServiceAccount(projectId = 'demo-project') {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return {
    publicKey,
    account: {
      type: 'service_account',
      project_id: projectId,
      private_key_id: 'key-1',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: `sendgate@${projectId}.iam.gserviceaccount.com`,
    },
  }
}

export interface FcmFakeOptions {
  publicKey: KeyObject
  projectId: string
  clientEmail: string
  /** `expires_in` of issued access tokens. */
  tokenTtlSeconds?: number
}

/** Starts the fake on 127.0.0.1 and a free port. */
export async function startFcmServer({ publicKey, projectId, clientEmail, tokenTtlSeconds = 3600 }: FcmFakeOptions) {
  const validTokens = new Set<string>()
  const expiredOnce = new Set<string>()
  const outcomes = new Map<string, FcmFault | 'ok'>()
  const requests: FcmRequest[] = []
  const tokenErrors: string[] = []
  let tokenFetches = 0
  let sent = 0
  let url = ''

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    tokenFetches++
    const form = new URLSearchParams(await readBody(req))
    if (
      form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' ||
      req.headers['content-type'] !== 'application/x-www-form-urlencoded'
    ) {
      return json(res, 400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type' })
    }
    try {
      const { payload, protectedHeader } = await jwtVerify(form.get('assertion') ?? '', publicKey, {
        algorithms: ['RS256'],
        issuer: clientEmail,
        audience: `${url}/token`,
        requiredClaims: ['iat', 'exp'],
      })
      if (payload.scope !== 'https://www.googleapis.com/auth/firebase.messaging')
        throw new Error(`scope ${payload.scope}`)
      if ((payload.exp ?? 0) - (payload.iat ?? 0) > 3600) throw new Error('assertion lives longer than 1 h')
      if (protectedHeader.typ !== 'JWT') throw new Error('typ is not JWT')
    } catch (e) {
      tokenErrors.push((e as Error).message)
      return json(res, 400, { error: 'invalid_grant', error_description: `Invalid JWT: ${(e as Error).message}` })
    }
    const accessToken = `ya29.fake-${tokenFetches}`
    validTokens.add(accessToken)
    json(res, 200, { access_token: accessToken, expires_in: tokenTtlSeconds, token_type: 'Bearer' })
  }

  async function send(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req)
    let body: FcmRequestBody
    try {
      body = JSON.parse(text) as FcmRequestBody
    } catch {
      return fcmError(res, 400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.')
    }
    requests.push({ authorization: req.headers.authorization, contentType: req.headers['content-type'], body })
    const bearer = req.headers.authorization?.replace(/^Bearer /, '') ?? ''
    if (!validTokens.has(bearer)) {
      return fcmError(res, 401, undefined, 'Request had invalid authentication credentials.', 'UNAUTHENTICATED')
    }
    const device = String(body?.message?.token ?? '')
    switch (outcomes.get(device) ?? faults.find((f) => device.startsWith(`${f}-`)) ?? 'ok') {
      case 'unregistered':
        return fcmError(res, 404, 'UNREGISTERED', 'Requested entity was not found.', 'NOT_FOUND')
      case 'invalid-token':
        return fcmError(res, 400, 'INVALID_ARGUMENT', 'The registration token is not a valid FCM registration token')
      case 'invalid-arg':
        return fcmError(
          res,
          400,
          'INVALID_ARGUMENT',
          "Invalid value at 'message.android.ttl' (type.googleapis.com/google.protobuf.Duration)",
        )
      case 'quota':
        res.setHeader('retry-after', '7')
        return fcmError(res, 429, 'QUOTA_EXCEEDED', 'Quota exceeded for quota metric', 'RESOURCE_EXHAUSTED')
      case 'unavailable':
        return fcmError(res, 503, 'UNAVAILABLE', 'The service is currently unavailable.', 'UNAVAILABLE')
      case 'internal':
        return fcmError(res, 500, 'INTERNAL', 'Internal error encountered.', 'INTERNAL')
      case 'expired-auth':
        if (!expiredOnce.has(device)) {
          expiredOnce.add(device)
          validTokens.delete(bearer)
          return fcmError(res, 401, undefined, 'Request had invalid authentication credentials.', 'UNAUTHENTICATED')
        }
        break
      case 'unauthenticated':
        return fcmError(res, 401, undefined, 'Request had invalid authentication credentials.', 'UNAUTHENTICATED')
    }
    sent++
    json(res, 200, { name: `projects/${projectId}/messages/0:${sent}` })
  }

  const server = createServer((req, res) => {
    const path = req.url ?? '/'
    const handle =
      req.method === 'POST' && path === '/token'
        ? token(req, res)
        : req.method === 'POST' && path === `/v1/projects/${projectId}/messages:send`
          ? send(req, res)
          : Promise.resolve(fcmError(res, 404, undefined, `no route ${req.method} ${path}`, 'NOT_FOUND'))
    handle.catch((e: Error) => json(res, 500, { error: { code: 500, message: e.message, status: 'INTERNAL' } }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url,
    tokenUrl: `${url}/token`,
    requests,
    tokenErrors,
    get tokenFetches() {
      return tokenFetches
    },
    /** Overrides the magic-prefix behaviour for one registration token (`'ok'` delivers). */
    setOutcome(device: string, outcome: FcmFault | 'ok' | undefined) {
      if (outcome) outcomes.set(device, outcome)
      else outcomes.delete(device)
    },
    /** Revokes every access token issued so far (the next send gets 401). */
    revokeTokens() {
      validTokens.clear()
    },
    requestsFor(device: string) {
      return requests.filter((r) => r.body?.message?.token === device)
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export type FcmFake = Awaited<ReturnType<typeof startFcmServer>>

function fcmError(
  res: ServerResponse,
  code: number,
  errorCode: string | undefined,
  message: string,
  status = 'INVALID_ARGUMENT',
) {
  const details = errorCode ? [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }] : []
  json(res, code, { error: { code, message, status, details } })
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  })
  res.end(text)
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
