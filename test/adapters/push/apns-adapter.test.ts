import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { apnsAdapter } from '../../../adapters/push/apns/apns-adapter.ts'
import type { ApnsProviderFactory } from '../../../adapters/push/apns/apns-provider.ts'
import { type ApnsFake, startApnsServer, testApnsKey } from '../../fakes/apns-server.ts'
import { context, pushMessage } from './push-message.ts'

const KEY_ID = 'ABC123DEFG'
const TEAM_ID = 'TEAM123456'
const TOPIC = 'com.example.shop'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()))
})

async function setup({ now, providerFactory }: { now?: () => number; providerFactory?: ApnsProviderFactory } = {}) {
  const key = testApnsKey()
  const fake = await startApnsServer({ publicKey: key.publicKey, keyId: KEY_ID, teamId: TEAM_ID, topic: TOPIC })
  cleanups.push(fake.close)
  const adapter = apnsAdapter({
    key: key.pem,
    keyId: KEY_ID,
    teamId: TEAM_ID,
    topic: TOPIC,
    host: fake.host,
    port: fake.port,
    ca: fake.ca,
    ...(now ? { now } : {}),
    ...(providerFactory ? { providerFactory } : {}),
  })
  cleanups.push(adapter.close)
  return { fake, adapter, key }
}

function only(fake: ApnsFake) {
  expect(fake.requests).toHaveLength(1)
  return fake.requests[0]!
}

describe('apns adapter against a local APNs (HTTP/2, TLS, ES256 provider token)', () => {
  it('sends the alert payload and apns-* headers with a verified provider token', async () => {
    const nowMs = Math.floor(Date.now() / 1000) * 1000
    const { fake, adapter } = await setup({ now: () => nowMs })
    const result = await adapter.send(
      pushMessage(
        'a1b2c3',
        {
          title: 'Hello',
          body: 'Your order shipped',
          data: { orderId: 'A-1' },
          badge: 2,
          sound: 'chime.caf',
          mutableContent: true,
          collapseKey: 'orders',
          ttlSeconds: 600,
          priority: 'high',
          apns: { aps: { 'thread-id': 'orders', alert: { subtitle: 'A-1' } }, campaign: 'c1' },
        },
        'apns',
      ),
      context,
    )
    const request = only(fake)
    expect(result).toEqual({ ok: true, providerMessageId: request.apnsId })
    expect(fake.rejectedJwts).toEqual([])
    expect(request.path).toBe('/3/device/a1b2c3')
    expect(request.headers).toMatchObject({
      'apns-topic': TOPIC,
      'apns-push-type': 'alert',
      'apns-priority': '10',
      'apns-expiration': String(nowMs / 1000 + 600),
      'apns-collapse-id': 'orders',
    })
    expect(request.payload).toEqual({
      orderId: 'A-1',
      campaign: 'c1',
      aps: {
        alert: { title: 'Hello', body: 'Your order shipped', subtitle: 'A-1' },
        badge: 2,
        sound: 'chime.caf',
        'mutable-content': 1,
        'thread-id': 'orders',
      },
    })
  })

  it('sends a content-available-only push as background with priority 5 and no expiration header', async () => {
    const { fake, adapter } = await setup()
    const result = await adapter.send(
      pushMessage('b1', { contentAvailable: true, data: { sync: '1' } }, 'apns'),
      context,
    )
    expect(result.ok).toBe(true)
    const request = only(fake)
    expect(request.headers['apns-push-type']).toBe('background')
    expect(request.headers['apns-priority']).toBe('5')
    expect(request.headers['apns-expiration']).toBeUndefined()
    expect(request.headers['apns-collapse-id']).toBeUndefined()
    expect(request.payload).toEqual({ sync: '1', aps: { 'content-available': 1 } })
  })

  it('honours pushType and priority normal', async () => {
    const { fake, adapter } = await setup()
    await adapter.send(
      pushMessage('c1', { body: 'x', pushType: 'alert', priority: 'normal', ttlSeconds: 0 }, 'apns'),
      context,
    )
    const request = only(fake)
    expect(request.headers).toMatchObject({ 'apns-push-type': 'alert', 'apns-priority': '5', 'apns-expiration': '0' })
  })

  it('reuses one provider (one HTTP/2 session) across sends', async () => {
    let created = 0
    const { nodeApnProvider } = await import('../../../adapters/push/apns/apns-provider.ts')
    const { fake, adapter } = await setup({
      providerFactory: (options) => {
        created++
        return nodeApnProvider(options)
      },
    })
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => adapter.send(pushMessage(`d${i}`, { body: 'x' }, 'apns'), context)),
    )
    expect(results.every((r) => r.ok)).toBe(true)
    expect(created).toBe(1)
    expect(fake.requests).toHaveLength(20)
  })

  it.each([
    ['unregistered-1', { code: 'INVALID_TOKEN', retryable: false, suppress: { kind: 'invalid_token' } }],
    ['baddevice-1', { code: 'INVALID_TOKEN', retryable: false, suppress: { kind: 'invalid_token' } }],
    ['wrongtopic-1', { code: 'INVALID_TOKEN', retryable: false, suppress: { kind: 'invalid_token' } }],
    ['toomany-1', { code: 'PROVIDER_APNS_TooManyRequests', retryable: true }],
    ['internal-1', { code: 'PROVIDER_APNS_InternalServerError', retryable: true }],
    ['expiredjwt-1', { code: 'PROVIDER_APNS_ExpiredProviderToken', retryable: true }],
    ['badexpiry-1', { code: 'PROVIDER_APNS_BadExpirationDate', retryable: false }],
  ])('maps %s to its outcome, made in one request', async (device, expected) => {
    const { fake, adapter } = await setup()
    const result = await adapter.send(pushMessage(device, { body: 'x' }, 'apns'), context)
    expect(result).toEqual({ ok: false, ...expected, detail: expect.stringContaining('APNs') })
    expect(fake.requestsFor(device)).toHaveLength(1)
  })

  it('reports the 410 timestamp in the detail', async () => {
    const { adapter } = await setup()
    const result = await adapter.send(pushMessage('unregistered-2', { body: 'x' }, 'apns'), context)
    expect(result.ok === false && result.detail).toMatch(/410 Unregistered \(token invalid since \d{4}-/)
  })

  it('signs a new provider token after ExpiredProviderToken, used by the next attempt', async () => {
    const { fake, adapter } = await setup()
    await adapter.send(pushMessage('expiredjwt-2', { body: 'x' }, 'apns'), context)
    fake.setOutcome('expiredjwt-2', 'ok')
    const result = await adapter.send(pushMessage('expiredjwt-2', { body: 'x' }, 'apns'), context)
    expect(result.ok).toBe(true)
    const [first, second] = fake.requestsFor('expiredjwt-2')
    expect(second?.jwt).toBeTruthy()
    expect(second?.jwt).not.toBe(first?.jwt)
  })

  it('reports an unreachable APNs as a retryable NETWORK failure', async () => {
    const key = testApnsKey()
    const adapter = apnsAdapter({
      key: key.pem,
      keyId: KEY_ID,
      teamId: TEAM_ID,
      topic: TOPIC,
      host: '127.0.0.1',
      port: 1,
    })
    cleanups.push(adapter.close)
    const result = await adapter.send(pushMessage('e1', { body: 'x' }, 'apns'), context)
    expect(result).toMatchObject({ ok: false, code: 'NETWORK', retryable: true })
    expect(result).not.toHaveProperty('ambiguous')
  })

  it('reads the key and CA from files, and verify() checks the key', async () => {
    const key = testApnsKey()
    const fake = await startApnsServer({ publicKey: key.publicKey, keyId: KEY_ID, teamId: TEAM_ID, topic: TOPIC })
    cleanups.push(fake.close)
    const dir = await mkdtemp(join(tmpdir(), 'apns-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    await writeFile(join(dir, 'AuthKey.p8'), key.pem)
    await writeFile(join(dir, 'ca.pem'), fake.ca)
    const adapter = apnsAdapter({
      key: join(dir, 'AuthKey.p8'),
      keyId: KEY_ID,
      teamId: TEAM_ID,
      topic: TOPIC,
      host: fake.host,
      port: fake.port,
      ca: join(dir, 'ca.pem'),
    })
    cleanups.push(adapter.close)
    await expect(adapter.verify?.()).resolves.toBeUndefined()
    expect((await adapter.send(pushMessage('f1', { body: 'x' }, 'apns'), context)).ok).toBe(true)
    expect(() => apnsAdapter({ key: join(dir, 'missing.p8'), keyId: KEY_ID, teamId: TEAM_ID, topic: TOPIC })).toThrow(
      /missing\.p8/,
    )
    const { generateKeyPairSync } = await import('node:crypto')
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString()
    await expect(apnsAdapter({ key: rsa, keyId: KEY_ID, teamId: TEAM_ID, topic: TOPIC }).verify?.()).rejects.toThrow(
      /not an EC/,
    )
  })
})
