import { afterEach, describe, expect, it } from 'vitest'
import { fcmAdapter } from '../../../adapters/push/fcm/fcm-adapter.ts'
import { readServiceAccount } from '../../../adapters/push/fcm/service-account.ts'
import { startFcmServer, testServiceAccount } from '../../fakes/fcm-server.ts'
import { context, pushMessage } from './push-message.ts'

/** One RSA service account for the file: key generation is the slow part of these tests. */
const shared = testServiceAccount()

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()))
})

async function setup({ tokenTtlSeconds = 3600, now }: { tokenTtlSeconds?: number; now?: () => number } = {}) {
  const { account, publicKey } = shared
  const fake = await startFcmServer({
    publicKey,
    projectId: account.project_id,
    clientEmail: account.client_email,
    tokenTtlSeconds,
  })
  cleanups.push(fake.close)
  const adapter = fcmAdapter({
    serviceAccount: account,
    apiBase: fake.url,
    tokenUrl: fake.tokenUrl,
    ...(now ? { now } : {}),
  })
  cleanups.push(adapter.close)
  return { fake, adapter, account }
}

describe('fcm adapter against a local FCM', () => {
  it('sends the FCM v1 body with a bearer token from the verified service-account JWT', async () => {
    const nowMs = Math.floor(Date.now() / 1000) * 1000
    const { fake, adapter } = await setup({ now: () => nowMs })
    const result = await adapter.send(
      pushMessage('device-1', {
        title: 'Hello',
        body: 'Your order shipped',
        image: 'https://cdn.example.com/p.png',
        data: { orderId: 'A-1' },
        badge: 3,
        sound: 'default',
        mutableContent: true,
        collapseKey: 'orders',
        ttlSeconds: 3600,
        priority: 'high',
        fcm: { android: { notification: { channel_id: 'orders' } }, fcm_options: { analytics_label: 'ship' } },
      }),
      context,
    )
    expect(result).toEqual({ ok: true, providerMessageId: 'projects/demo-project/messages/0:1' })
    expect(fake.tokenErrors).toEqual([])
    expect(fake.tokenFetches).toBe(1)
    expect(fake.requests).toHaveLength(1)
    const [request] = fake.requests
    expect(request?.authorization).toBe('Bearer ya29.fake-1')
    expect(request?.contentType).toMatch(/^application\/json/)
    expect(request?.body).toEqual({
      message: {
        token: 'device-1',
        notification: { title: 'Hello', body: 'Your order shipped', image: 'https://cdn.example.com/p.png' },
        data: { orderId: 'A-1' },
        android: {
          priority: 'HIGH',
          ttl: '3600s',
          collapse_key: 'orders',
          notification: { sound: 'default', channel_id: 'orders' },
        },
        apns: {
          headers: {
            'apns-priority': '10',
            'apns-expiration': String(nowMs / 1000 + 3600),
            'apns-collapse-id': 'orders',
          },
          payload: { aps: { badge: 3, sound: 'default', 'mutable-content': 1 } },
          fcm_options: { image: 'https://cdn.example.com/p.png' },
        },
        fcm_options: { analytics_label: 'ship' },
      },
    })
  })

  it('sends a data-only background push without a notification block', async () => {
    const { fake, adapter } = await setup()
    const result = await adapter.send(pushMessage('device-2', { data: { sync: '1' }, contentAvailable: true }), context)
    expect(result.ok).toBe(true)
    expect(fake.requests[0]?.body).toEqual({
      message: {
        token: 'device-2',
        data: { sync: '1' },
        apns: {
          headers: { 'apns-priority': '5', 'apns-push-type': 'background' },
          payload: { aps: { 'content-available': 1 } },
        },
      },
    })
  })

  it('fetches one access token for 100 concurrent sends', async () => {
    const { fake, adapter } = await setup()
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        adapter.send(pushMessage(`device-${i}`, { title: 't', body: 'b' }), context),
      ),
    )
    expect(results.every((r) => r.ok)).toBe(true)
    expect(fake.tokenFetches).toBe(1)
    expect(fake.requests).toHaveLength(100)
    expect(new Set(fake.requests.map((r) => r.authorization))).toEqual(new Set(['Bearer ya29.fake-1']))
  })

  it('reuses the cached token until 60 s before it expires, then fetches a new one', async () => {
    let nowMs = Date.now()
    const { fake, adapter } = await setup({ tokenTtlSeconds: 600, now: () => nowMs })
    await adapter.send(pushMessage('a', { body: 'x' }), context)
    nowMs += 539_000
    await adapter.send(pushMessage('b', { body: 'x' }), context)
    expect(fake.tokenFetches).toBe(1)
    nowMs += 2_000
    await adapter.send(pushMessage('c', { body: 'x' }), context)
    expect(fake.tokenFetches).toBe(2)
    expect(fake.requests.map((r) => r.authorization)).toEqual([
      'Bearer ya29.fake-1',
      'Bearer ya29.fake-1',
      'Bearer ya29.fake-2',
    ])
  })

  it('refreshes the token once and retries once inside the same send on 401', async () => {
    const { fake, adapter } = await setup()
    const result = await adapter.send(pushMessage('expired-auth-1', { body: 'x' }), context)
    expect(result.ok).toBe(true)
    expect(fake.tokenFetches).toBe(2)
    expect(fake.requestsFor('expired-auth-1').map((r) => r.authorization)).toEqual([
      'Bearer ya29.fake-1',
      'Bearer ya29.fake-2',
    ])
  })

  it('fails without looping when a fresh token is refused too', async () => {
    const { fake, adapter } = await setup()
    const result = await adapter.send(pushMessage('unauthenticated-1', { body: 'x' }), context)
    expect(result).toMatchObject({ ok: false, code: 'PROVIDER_FCM_UNAUTHENTICATED', retryable: false })
    expect(fake.requestsFor('unauthenticated-1').map((r) => r.authorization)).toEqual([
      'Bearer ya29.fake-1',
      'Bearer ya29.fake-2',
    ])
  })

  it('lets concurrent sends that meet a 401 share one refresh', async () => {
    const { fake, adapter } = await setup()
    await adapter.send(pushMessage('warm', { body: 'x' }), context)
    fake.revokeTokens()
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => adapter.send(pushMessage(`after-revoke-${i}`, { body: 'x' }), context)),
    )
    expect(results.every((r) => r.ok)).toBe(true)
    expect(fake.tokenFetches).toBe(2)
  })

  it.each([
    ['unregistered-1', { ok: false, code: 'INVALID_TOKEN', retryable: false, suppress: { kind: 'invalid_token' } }],
    ['invalid-token-1', { ok: false, code: 'INVALID_TOKEN', retryable: false, suppress: { kind: 'invalid_token' } }],
    ['invalid-arg-1', { ok: false, code: 'PROVIDER_FCM_INVALID_ARGUMENT', retryable: false }],
    ['quota-1', { ok: false, code: 'PROVIDER_FCM_QUOTA_EXCEEDED', retryable: true, retryAfterMs: 7000 }],
    ['unavailable-1', { ok: false, code: 'PROVIDER_FCM_UNAVAILABLE', retryable: true }],
    ['internal-1', { ok: false, code: 'PROVIDER_FCM_INTERNAL', retryable: true }],
  ])('maps %s to its outcome', async (device, expected) => {
    const { fake, adapter } = await setup()
    const result = await adapter.send(pushMessage(device, { body: 'x' }), context)
    expect(result).toEqual({ ...expected, detail: expect.stringContaining('FCM') })
    expect(fake.requestsFor(device)).toHaveLength(1)
  })

  it('reports an unreachable FCM as NETWORK once the token was fetched', async () => {
    const { account, publicKey } = shared
    const fake = await startFcmServer({ publicKey, projectId: account.project_id, clientEmail: account.client_email })
    cleanups.push(fake.close)
    const adapter = fcmAdapter({ serviceAccount: account, apiBase: 'http://127.0.0.1:1', tokenUrl: fake.tokenUrl })
    cleanups.push(adapter.close)
    const result = await adapter.send(pushMessage('d', { body: 'x' }), context)
    expect(result).toMatchObject({ ok: false, code: 'NETWORK', retryable: true })
    expect(result).not.toHaveProperty('ambiguous')
    expect(fake.tokenFetches).toBe(1)
  })

  it('refuses a JWT signed with the wrong key at the token endpoint (no message sent)', async () => {
    const { fake } = await setup()
    const other = testServiceAccount()
    const adapter = fcmAdapter({
      serviceAccount: { ...other.account, client_email: 'sendgate@demo-project.iam.gserviceaccount.com' },
      apiBase: fake.url,
      tokenUrl: fake.tokenUrl,
    })
    cleanups.push(adapter.close)
    const result = await adapter.send(pushMessage('d', { body: 'x' }), context)
    expect(result).toMatchObject({ ok: false, code: 'PROVIDER_FCM_AUTH', retryable: false })
    expect(fake.tokenErrors).toHaveLength(1)
    expect(fake.requests).toHaveLength(0)
  })

  it('verify() checks the service account fields and key', async () => {
    const { account } = shared
    await expect(fcmAdapter({ serviceAccount: account }).verify?.()).resolves.toBeUndefined()
    await expect(fcmAdapter({ serviceAccount: { ...account, client_email: '' } }).verify?.()).rejects.toThrow(
      /client_email/,
    )
    await expect(
      fcmAdapter({
        serviceAccount: { ...account, private_key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' },
      }).verify?.(),
    ).rejects.toThrow(/private_key/)
  })

  it('readServiceAccount reads JSON text or a file path', async () => {
    const { account } = shared
    expect(readServiceAccount(JSON.stringify(account)).project_id).toBe('demo-project')
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const dir = await mkdtemp(join(tmpdir(), 'sa-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const file = join(dir, 'sa.json')
    await writeFile(file, JSON.stringify(account))
    expect(readServiceAccount(file).client_email).toBe(account.client_email)
    expect(() => readServiceAccount('{"project_id": "x"}')).toThrow(/client_email.*private_key|private_key/)
  })
})
