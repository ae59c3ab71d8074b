/**
 * A local APNs provider API over HTTP/2 and TLS (self-signed certificate made per run). It checks
 * `authorization: bearer <JWT>` (ES256, kid, iss = team id) with the public half of a P-256 key made
 * per run, `apns-topic` and the `/3/device/<token>` path, and records headers and payloads. Magic
 * device tokens trigger APNs's error answers:
 *
 *   unregistered…  410 Unregistered (with timestamp)   baddevice…  400 BadDeviceToken
 *   wrongtopic…    400 DeviceTokenNotForTopic          toomany…    429 TooManyRequests
 *   internal…      500 InternalServerError             expiredjwt… 403 ExpiredProviderToken
 *   badexpiry…     400 BadExpirationDate
 */
import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto'
import { createSecureServer, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2'
import type { AddressInfo } from 'node:net'
import { decodeProtectedHeader, jwtVerify } from 'jose'
import { generate } from 'selfsigned'

export interface ApnsRequest {
  path: string
  device: string
  headers: IncomingHttpHeaders
  payload: Record<string, unknown>
  jwt: string
  /** The `apns-id` answered. */
  apnsId: string
}

type Fault = 'unregistered' | 'baddevice' | 'wrongtopic' | 'toomany' | 'internal' | 'expiredjwt' | 'badexpiry'
const faults: Fault[] = ['unregistered', 'baddevice', 'wrongtopic', 'toomany', 'internal', 'expiredjwt', 'badexpiry']

/** A .p8-style signing key made for this test run. */
export function testApnsKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  return { publicKey, pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }
}

export interface ApnsFakeOptions {
  publicKey: KeyObject
  keyId: string
  teamId: string
  topic: string
}

/** Starts the fake on 127.0.0.1 and a free port; `ca` is the certificate to trust. */
export async function startApnsServer({ publicKey, keyId, teamId, topic }: ApnsFakeOptions) {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  })
  const requests: ApnsRequest[] = []
  const rejectedJwts: string[] = []
  const outcomes = new Map<string, Fault | 'ok'>()
  const sessions = new Set<Http2Session>()
  const server = createSecureServer({ key: pems.private, cert: pems.cert })
  server.on('session', (session) => {
    sessions.add(session)
    session.on('close', () => sessions.delete(session))
  })

  function answer(stream: ServerHttp2Stream, status: number, body?: unknown, apnsId: string = randomUUID()) {
    stream.respond({ ':status': status, 'apns-id': apnsId, ...(body ? { 'content-type': 'application/json' } : {}) })
    stream.end(body ? JSON.stringify(body) : undefined)
  }

  async function handle(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, text: string): Promise<void> {
    const path = String(headers[':path'] ?? '')
    const match = /^\/3\/device\/([^/?]+)$/.exec(path)
    if (headers[':method'] !== 'POST' || !match) return answer(stream, 404, { reason: 'BadPath' })
    const device = decodeURIComponent(match[1] ?? '')
    const jwt = String(headers.authorization ?? '').replace(/^bearer /, '')
    let payload: Record<string, unknown>
    try {
      payload = JSON.parse(text) as Record<string, unknown>
    } catch {
      return answer(stream, 400, { reason: 'PayloadEmpty' })
    }
    const apnsId = typeof headers['apns-id'] === 'string' ? headers['apns-id'] : randomUUID()
    requests.push({ path, device, headers, payload, jwt, apnsId })
    try {
      if (decodeProtectedHeader(jwt).kid !== keyId) throw new Error('kid')
      await jwtVerify(jwt, publicKey, { algorithms: ['ES256'], issuer: teamId, requiredClaims: ['iat'] })
    } catch (e) {
      rejectedJwts.push((e as Error).message)
      return answer(stream, 403, { reason: 'InvalidProviderToken' })
    }
    if (!headers['apns-topic']) return answer(stream, 400, { reason: 'MissingTopic' })
    if (headers['apns-topic'] !== topic) return answer(stream, 400, { reason: 'TopicDisallowed' })
    switch (outcomes.get(device) ?? faults.find((f) => device.startsWith(f)) ?? 'ok') {
      case 'unregistered':
        return answer(stream, 410, { reason: 'Unregistered', timestamp: Date.now() - 60_000 })
      case 'baddevice':
        return answer(stream, 400, { reason: 'BadDeviceToken' })
      case 'wrongtopic':
        return answer(stream, 400, { reason: 'DeviceTokenNotForTopic' })
      case 'toomany':
        return answer(stream, 429, { reason: 'TooManyRequests' })
      case 'internal':
        return answer(stream, 500, { reason: 'InternalServerError' })
      case 'expiredjwt':
        return answer(stream, 403, { reason: 'ExpiredProviderToken' })
      case 'badexpiry':
        return answer(stream, 400, { reason: 'BadExpirationDate' })
      default:
        return answer(stream, 200, undefined, apnsId)
    }
  }

  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = []
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.on('end', () => {
      handle(stream, headers, Buffer.concat(chunks).toString('utf8')).catch(() => {
        if (!stream.headersSent) answer(stream, 500, { reason: 'InternalServerError' })
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))

  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    ca: pems.cert,
    requests,
    rejectedJwts,
    /** Overrides the magic-prefix behaviour for one device token (`'ok'` delivers). */
    setOutcome(device: string, outcome: Fault | 'ok' | undefined) {
      if (outcome) outcomes.set(device, outcome)
      else outcomes.delete(device)
    },
    requestsFor(device: string) {
      return requests.filter((r) => r.device === device)
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy()
        server.close(() => resolve())
      }),
  }
}

export type ApnsFake = Awaited<ReturnType<typeof startApnsServer>>
