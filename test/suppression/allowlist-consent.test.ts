import { afterEach, describe, expect, it } from 'vitest'
import { OTHER } from '../support/test-gateway.ts'
import { email, startSuppressionGateway } from './suppression-gateway.ts'

type Started = Awaited<ReturnType<typeof startSuppressionGateway>>
const running: Started[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((t) => t.stop()))
})
async function gateway(): Promise<Started> {
  const t = await startSuppressionGateway()
  running.push(t)
  return t
}

describe('/v1/allowlist', () => {
  it('is disabled and empty until set', async () => {
    const { call } = await gateway()
    expect((await call('GET', '/v1/allowlist')).json).toEqual({ enabled: false, entries: [] })
    expect((await call('POST', '/v1/messages', email('anyone@example.com'))).status).toBe(202)
  })

  it('enabled and empty sends nothing: not_allowed', async () => {
    const { call } = await gateway()
    const put = await call('PUT', '/v1/allowlist', { enabled: true, entries: [] })
    expect(put.status).toBe(200)
    expect(put.json).toEqual({ enabled: true, entries: [] })
    const res = await call('POST', '/v1/messages', email('anyone@example.com'))
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ status: 'suppressed', reason: 'not_allowed' })
    expect((await call('GET', `/v1/messages/${res.json.id}`)).json.status).toBe('suppressed')
  })

  it('lets through only listed addresses and domains, stored normalised and de-duplicated', async () => {
    const { call } = await gateway()
    const put = await call('PUT', '/v1/allowlist', {
      enabled: true,
      entries: [' QA@Allowed.Test ', 'Friends.Example', '@Team.Example', 'qa@allowed.test'],
    })
    expect(put.json).toEqual({ enabled: true, entries: ['qa@allowed.test', 'friends.example', 'team.example'] })
    expect((await call('GET', '/v1/allowlist')).json).toEqual(put.json)
    expect((await call('POST', '/v1/messages', email('Qa@allowed.test'))).status).toBe(202)
    expect((await call('POST', '/v1/messages', email('anyone@friends.example'))).status).toBe(202)
    expect((await call('POST', '/v1/messages', email('dev@team.example'))).status).toBe(202)
    expect((await call('POST', '/v1/messages', email('other@allowed.test'))).json.reason).toBe('not_allowed')
    expect((await call('POST', '/v1/messages', email('anyone@example.com'))).json.reason).toBe('not_allowed')
    // Another sandbox is not restricted.
    expect((await call('POST', '/v1/messages', email('anyone@example.com'), {}, OTHER)).status).toBe(202)
    // Suppression comes before the allowlist.
    await call('POST', '/v1/suppressions', [{ type: 'email', value: 'qa@allowed.test', reason: 'hard_bounce' }])
    expect((await call('POST', '/v1/messages', email('qa@allowed.test'))).json.reason).toBe('hard_bounce')
    // Disabled again: everything goes.
    await call('PUT', '/v1/allowlist', { enabled: false, entries: ['friends.example'] })
    expect((await call('POST', '/v1/messages', email('anyone@example.com'))).status).toBe(202)
  })

  it('refuses invalid entries, more than 1,000 entries and a missing enabled flag, keeping the old list', async () => {
    const { call } = await gateway()
    await call('PUT', '/v1/allowlist', { enabled: true, entries: ['keep.example'] })
    const bad = await call('PUT', '/v1/allowlist', { enabled: true, entries: ['ok.example', 'not an address', 'a@b'] })
    expect(bad.status).toBe(400)
    expect(bad.json.errors.map((e: { path: string }) => e.path)).toEqual(['entries.1', 'entries.2'])
    const many = Array.from({ length: 1001 }, (_, i) => `u${i}@example.com`)
    expect((await call('PUT', '/v1/allowlist', { enabled: true, entries: many })).status).toBe(400)
    expect(
      (await call('PUT', '/v1/allowlist', { enabled: true, entries: many.slice(0, 1000) })).json.entries,
    ).toHaveLength(1000)
    expect((await call('PUT', '/v1/allowlist', { entries: [] })).status).toBe(400)
    expect((await call('PUT', '/v1/allowlist', { enabled: 'yes', entries: [] })).status).toBe(400)
    expect((await call('GET', '/v1/allowlist')).json.entries).toHaveLength(1000)
  })
})

describe('/v1/consents/:channel/:address', () => {
  it('no record means consent', async () => {
    const { call } = await gateway()
    const res = await call('GET', '/v1/consents/email/New@Example.com')
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ channel: 'email', address: 'new@example.com', marketing: true })
  })

  it('marketing false suppresses marketing (no_consent) while transactional still goes', async () => {
    const { call } = await gateway()
    const put = await call('PUT', '/v1/consents/email/Reader@Example.com', { marketing: false })
    expect(put.status).toBe(200)
    expect(put.json).toMatchObject({ channel: 'email', address: 'reader@example.com', marketing: false })
    expect(Date.parse(put.json.updatedAt)).not.toBeNaN()
    expect((await call('GET', '/v1/consents/email/reader@example.com')).json).toEqual(put.json)

    const marketing = await call('POST', '/v1/messages', email('READER@example.com', 'marketing'))
    expect(marketing.status).toBe(200)
    expect(marketing.json).toMatchObject({ status: 'suppressed', reason: 'no_consent' })
    expect((await call('POST', '/v1/messages', email('reader@example.com', 'transactional'))).status).toBe(202)
    // Consent is not a suppression entry.
    expect((await call('GET', '/v1/suppressions/email/reader@example.com')).status).toBe(404)

    await call('PUT', '/v1/consents/email/reader@example.com', { marketing: true })
    expect((await call('POST', '/v1/messages', email('reader@example.com', 'marketing'))).status).toBe(202)
  })

  it('keeps MMS consent with SMS, phones in E.164 and push tokens as they are', async () => {
    const { call } = await gateway()
    const mms = await call('PUT', '/v1/consents/mms/(415)%20555-2671', { marketing: false })
    expect(mms.json).toMatchObject({ channel: 'sms', address: '+14155552671', marketing: false })
    expect((await call('GET', '/v1/consents/sms/+14155552671')).json.marketing).toBe(false)
    const sms = await call('POST', '/v1/messages', {
      channel: 'sms',
      to: '+1 415 555 2671',
      category: 'marketing',
      content: { body: 'Sale!' },
    })
    expect(sms.json).toMatchObject({ status: 'suppressed', reason: 'no_consent' })

    const push = await call('PUT', '/v1/consents/push/Tok-ABC', { marketing: false })
    expect(push.json).toMatchObject({ channel: 'push', address: 'Tok-ABC' })
    const message = {
      channel: 'push',
      to: { token: 'Tok-ABC', platform: 'fcm' },
      category: 'marketing',
      content: { title: 'Sale' },
    }
    expect((await call('POST', '/v1/messages', message)).json.reason).toBe('no_consent')
    expect((await call('GET', '/v1/consents/push/tok-abc')).json.marketing).toBe(true)
  })

  it('is per sandbox and validates channel, address and body', async () => {
    const { call } = await gateway()
    await call('PUT', '/v1/consents/email/reader@example.com', { marketing: false })
    expect((await call('GET', '/v1/consents/email/reader@example.com', undefined, {}, OTHER)).json.marketing).toBe(true)
    expect((await call('POST', '/v1/messages', email('reader@example.com', 'marketing'), {}, OTHER)).status).toBe(202)

    expect((await call('PUT', '/v1/consents/fax/123', { marketing: false })).status).toBe(400)
    expect((await call('PUT', '/v1/consents/email/not-an-email', { marketing: false })).json.errors).toEqual([
      { path: 'address', message: 'Invalid format for value: not-an-email' },
    ])
    expect((await call('PUT', '/v1/consents/email/a@example.com', { marketing: 'no' })).status).toBe(400)
    expect((await call('PUT', '/v1/consents/email/a@example.com', { marketing: false, extra: 1 })).status).toBe(400)
    expect(
      (await call('PUT', '/v1/consents/email/a@example.com', 'marketing=false', { 'content-type': 'text/plain' }))
        .status,
    ).toBe(415)
    expect((await call('GET', '/v1/consents/email/a@example.com')).json.marketing).toBe(true)
  })
})
