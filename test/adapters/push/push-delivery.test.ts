import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apnsAdapter } from '../../../adapters/push/apns/apns-adapter.ts'
import { fcmAdapter } from '../../../adapters/push/fcm/fcm-adapter.ts'
import { readServiceAccount } from '../../../adapters/push/fcm/service-account.ts'
import { type ApnsFake, startApnsServer, testApnsKey } from '../../fakes/apns-server.ts'
import { type FcmFake, startFcmServer, testServiceAccount } from '../../fakes/fcm-server.ts'
import { startTestGateway } from '../../support/test-gateway.ts'

const TOPIC = 'com.example.shop'

describe('push delivery end to end (gateway → adapters → local FCM and APNs)', () => {
  let fcm: FcmFake
  let apns: ApnsFake
  let gw: Awaited<ReturnType<typeof startTestGateway>>

  beforeAll(async () => {
    const { account, publicKey } = testServiceAccount()
    fcm = await startFcmServer({ publicKey, projectId: account.project_id, clientEmail: account.client_email })
    const key = testApnsKey()
    apns = await startApnsServer({ publicKey: key.publicKey, keyId: 'KEY1234567', teamId: 'TEAM123456', topic: TOPIC })
    const env = {
      PUSH_FCM: 'fcm',
      FCM_SERVICE_ACCOUNT: JSON.stringify(account),
      FCM_API_BASE: fcm.url,
      FCM_TOKEN_URL: fcm.tokenUrl,
      PUSH_APNS: 'apns',
      APNS_KEY: key.pem,
      APNS_KEY_ID: 'KEY1234567',
      APNS_TEAM_ID: 'TEAM123456',
      APNS_TOPIC: TOPIC,
      APNS_HOST: apns.host,
      APNS_PORT: String(apns.port),
      APNS_CA: apns.ca,
    }
    // What server.ts does with this configuration (see the adapters' report).
    const fcmPush = fcmAdapter({
      serviceAccount: readServiceAccount(env.FCM_SERVICE_ACCOUNT),
      apiBase: env.FCM_API_BASE,
      tokenUrl: env.FCM_TOKEN_URL,
    })
    const apnsPush = apnsAdapter({
      key: env.APNS_KEY,
      keyId: env.APNS_KEY_ID,
      teamId: env.APNS_TEAM_ID,
      topic: env.APNS_TOPIC,
      host: env.APNS_HOST,
      port: apns.port,
      ca: env.APNS_CA,
    })
    await fcmPush.verify?.()
    await apnsPush.verify?.()
    gw = await startTestGateway(env, { adapters: { 'push:fcm': fcmPush, 'push:apns': apnsPush } })
  })

  afterAll(async () => {
    await gw?.stop()
    await Promise.all([fcm?.close(), apns?.close()])
  })

  const push = (to: Record<string, unknown>, content: Record<string, unknown> = { title: 'Hi', body: 'There' }) =>
    gw.call('POST', '/v1/messages', { channel: 'push', to, content }, { prefer: 'wait=10' })

  it('sends an FCM push and records the provider message id', async () => {
    const r = await push({ token: 'fcm-ok-1', platform: 'fcm' }, { title: 'Hi', body: 'There', data: { a: '1' } })
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ status: 'sent' })
    const message = await gw.waitFor(r.json.id, ['sent'])
    expect(message.providerMessageId).toMatch(/^projects\/demo-project\/messages\//)
    expect(fcm.requestsFor('fcm-ok-1')[0]?.body.message).toMatchObject({
      token: 'fcm-ok-1',
      notification: { title: 'Hi', body: 'There' },
      data: { a: '1' },
    })
  })

  it('sends an APNs push', async () => {
    const r = await push({ token: 'apnsok1', platform: 'apns' })
    expect(r.json).toMatchObject({ status: 'sent' })
    expect(apns.requestsFor('apnsok1')[0]?.payload).toEqual({ aps: { alert: { title: 'Hi', body: 'There' } } })
  })

  it.each([
    ['fcm', 'unregistered-e2e'],
    ['apns', 'unregistered-e2e'],
  ] as const)(
    '%s: an unregistered token fails with INVALID_TOKEN, then is suppressed at intake until registered again',
    async (platform, token) => {
      const requests = () => (platform === 'fcm' ? fcm.requestsFor(token) : apns.requestsFor(token)).length
      const first = await push({ token, platform })
      expect(first.json).toMatchObject({ status: 'failed', error: { code: 'INVALID_TOKEN' } })
      expect(requests()).toBe(1)
      const entry = await gw.gateway.deps.store.suppression.get('sb', { type: 'push_token', value: token })
      expect(entry).toMatchObject({ reason: 'invalid_token' })

      const second = await push({ token, platform })
      expect(second.status).toBe(200)
      expect(second.json).toMatchObject({ status: 'suppressed', reason: 'invalid_token' })
      const older = await push({
        token,
        platform,
        registeredAt: new Date(Date.parse(entry!.createdAt) - 60_000).toISOString(),
      })
      expect(older.json).toMatchObject({ status: 'suppressed', reason: 'invalid_token' })
      expect(requests()).toBe(1)

      // The app registered the token again (the provider knows it now): the newer registration lifts the suppression.
      if (platform === 'fcm') fcm.setOutcome(token, 'ok')
      else apns.setOutcome(token, 'ok')
      const again = await push({
        token,
        platform,
        registeredAt: new Date(Date.parse(entry!.createdAt) + 1000).toISOString(),
      })
      expect(again.json).toMatchObject({ status: 'sent' })
      expect(requests()).toBe(2)
      expect(await gw.gateway.deps.store.suppression.get('sb', { type: 'push_token', value: token })).toBeFalsy()
    },
  )

  it('refuses a 4.1 KB push payload with 422 CONTENT_LIMIT and sends nothing', async () => {
    const before = fcm.requests.length
    const count = async () => (await gw.call('GET', '/v1/messages?channel=push&limit=1000')).json.items.length as number
    const stored = await count()
    const r = await push({ token: 'fcm-big', platform: 'fcm' }, { title: 'Big', data: { blob: 'x'.repeat(4200) } })
    expect(r.status).toBe(422)
    expect(r.json).toMatchObject({ code: 'CONTENT_LIMIT' })
    expect(await count()).toBe(stored)
    await new Promise((r) => setTimeout(r, 50))
    expect(fcm.requests.length).toBe(before)
  })
})
