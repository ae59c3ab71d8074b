import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBridgeGateway } from './bridge-gateway.ts'

const recipient = (n: number, extra: Record<string, unknown> = {}) => ({
  type: 'aep',
  userId: `user${n}@example.com`,
  namespace: 'email',
  ...extra,
})

describe('AJO API-triggered campaigns', () => {
  let gw: Awaited<ReturnType<typeof startBridgeGateway>>
  beforeAll(async () => {
    gw = await startBridgeGateway()
  })
  afterAll(() => gw.stop())

  const execute = (body: unknown, key: string | null = 'test-admin', headers: Record<string, string> = {}) =>
    gw.call('POST', '/ajo/im/executions/unitary', body, headers, key)

  const expectAdobeError = (
    r: Awaited<ReturnType<typeof execute>>,
    status: number,
    ids: { requestId?: string | null; campaignId?: string | null },
  ) => {
    expect(r.status).toBe(status)
    expect(r.headers.get('content-type')).toContain('application/json')
    expect(r.headers.get('content-type')).not.toContain('problem')
    expect(r.json).toMatchObject({
      type: expect.any(String),
      title: expect.any(String),
      status,
      code: expect.any(String),
    })
    expect(r.json.report.additionalContext).toEqual({
      requestId: ids.requestId ?? null,
      campaignId: ids.campaignId ?? null,
    })
  }

  it('answers 202 and sends one message per recipient rendered with {{context.*}}', async () => {
    const r = await execute({
      requestId: 'req-1',
      campaignId: 'ajo-test',
      context: { offerCode: 'TOP', amount: 12.5, name: 'everyone' },
      recipients: [
        recipient(1),
        recipient(2, { context: { name: 'Two', amount: 7 } }),
        { type: 'external', userId: 'crm-3', namespace: 'crmId', channelData: { emailAddress: 'Three@Example.com' } },
      ],
    })
    expect(r.status).toBe(202)
    expect(r.json).toEqual({
      executionId: expect.any(String),
      requestId: 'req-1',
      createdAt: expect.any(String),
      createdBy: expect.any(String),
    })
    const one = await gw.outboxEntry('user1@example.com')
    expect(one.rendered).toMatchObject({ subject: 'Offer TOP', text: 'Amount 12.5 for everyone' })
    const two = await gw.outboxEntry('user2@example.com')
    expect(two.rendered.text).toBe('Amount 7 for Two')
    const three = await gw.outboxEntry('three@example.com')
    expect(three.rendered.text).toBe('Amount 12.5 for everyone')
    const m = (await gw.call('GET', '/v1/messages?to=user1@example.com')).json.items[0]
    expect(m.metadata.ajo).toMatchObject({
      executionId: r.json.executionId,
      requestId: 'req-1',
      campaignId: 'ajo-test',
    })
    expect(m.category).toBe('transactional')
  })

  it('takes the channel from meta.json: SMS to the phone namespace', async () => {
    const r = await execute({
      requestId: 'req-sms',
      campaignId: 'ajo-sms',
      recipients: [{ type: 'aep', userId: '+14155550150', namespace: 'phone', context: { code: 99 } }],
    })
    expect(r.status).toBe(202)
    expect((await gw.outboxEntry('+14155550150')).rendered.body).toBe('Code 99')
  })

  it('replays the first answer for the same requestId and sends nothing more', async () => {
    const body = {
      requestId: 'req-replay',
      campaignId: 'ajo-test',
      context: { offerCode: 'R', amount: 1, name: 'x' },
      recipients: [recipient(40)],
    }
    const first = await execute(body)
    const second = await execute({ ...body, recipients: [recipient(40), recipient(41)] })
    expect(second.status).toBe(202)
    expect(second.json).toEqual(first.json)
    expect(second.headers.get('idempotent-replayed')).toBe('true')
    await gw.outboxEntry('user40@example.com')
    await new Promise((res) => setTimeout(res, 100))
    expect((await gw.call('GET', '/v1/messages?to=user40@example.com')).json.items).toHaveLength(1)
    expect((await gw.call('GET', '/v1/messages?to=user41@example.com')).json.items).toHaveLength(0)
  })

  it('refuses 21 recipients, a missing campaignId, context.system, with Adobe’s body', async () => {
    const many = await execute({
      requestId: 'req-21',
      campaignId: 'ajo-test',
      recipients: Array.from({ length: 21 }, (_, i) => recipient(100 + i)),
    })
    expectAdobeError(many, 400, { requestId: 'req-21', campaignId: 'ajo-test' })
    const noCampaign = await execute({ requestId: 'req-nc', recipients: [recipient(1)] })
    expectAdobeError(noCampaign, 400, { requestId: 'req-nc' })
    const system = await execute({
      requestId: 'req-sys',
      campaignId: 'ajo-test',
      context: { system: { x: 1 } },
      recipients: [recipient(1)],
    })
    expectAdobeError(system, 400, { requestId: 'req-sys', campaignId: 'ajo-test' })
    const recipientSystem = await execute({
      requestId: 'req-sys2',
      campaignId: 'ajo-test',
      recipients: [recipient(1, { context: { system: 1 } })],
    })
    expectAdobeError(recipientSystem, 400, { requestId: 'req-sys2', campaignId: 'ajo-test' })
    const unknownCampaign = await execute({
      requestId: 'req-uc',
      campaignId: 'no-such-campaign',
      recipients: [recipient(1)],
    })
    expectAdobeError(unknownCampaign, 400, { requestId: 'req-uc', campaignId: 'no-such-campaign' })
    const noAddress = await execute({
      requestId: 'req-na',
      campaignId: 'ajo-test',
      context: { offerCode: 'a', amount: 1, name: 'n' },
      recipients: [{ type: 'aep', userId: 'abc', namespace: 'ECID' }],
    })
    expectAdobeError(noAddress, 400, { requestId: 'req-na', campaignId: 'ajo-test' })
    const missingVar = await execute({ requestId: 'req-mv', campaignId: 'ajo-test', recipients: [recipient(60)] })
    expectAdobeError(missingVar, 400, { requestId: 'req-mv', campaignId: 'ajo-test' })
    const huge = await execute({
      requestId: 'req-big',
      campaignId: 'ajo-test',
      context: { offerCode: 'x'.repeat(201 * 1024), amount: 1, name: 'n' },
      recipients: [recipient(61)],
    })
    expectAdobeError(huge, 400, { requestId: 'req-big', campaignId: 'ajo-test' })
    const malformed = await execute('{"requestId":', 'test-admin', { 'content-type': 'application/json' })
    expectAdobeError(malformed, 400, {})
    // Nothing was sent, and a refused requestId can be used again.
    expect((await gw.call('GET', '/v1/messages?to=user1@example.com')).json.items).toHaveLength(1)
    const retry = await execute({
      requestId: 'req-mv',
      campaignId: 'ajo-test',
      context: { offerCode: 'a', amount: 1, name: 'n' },
      recipients: [recipient(60)],
    })
    expect(retry.status).toBe(202)
  })

  it('answers 401 with Adobe’s body, not problem+json', async () => {
    const body = { requestId: 'req-401', campaignId: 'ajo-test', recipients: [recipient(70)] }
    expectAdobeError(await execute(body, null), 401, { requestId: 'req-401', campaignId: 'ajo-test' })
    expectAdobeError(await execute(body, 'wrong-key'), 401, { requestId: 'req-401', campaignId: 'ajo-test' })
    expect((await gw.call('GET', '/v1/messages?to=user70@example.com')).json.items).toHaveLength(0)
  })

  it('accepts an OAuth access token', async () => {
    const basic = Buffer.from('client-1:secret-1').toString('base64')
    const tokenRes = await gw.gateway.app.request('/oauth/token', {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    })
    const { access_token } = (await tokenRes.json()) as { access_token: string }
    const r = await gw.call(
      'POST',
      '/ajo/im/executions/unitary',
      {
        requestId: 'req-oauth',
        campaignId: 'ajo-test',
        context: { offerCode: 'O', amount: 2, name: 'o' },
        recipients: [recipient(80)],
      },
      { authorization: `Bearer ${access_token}` },
      null,
    )
    expect(r.status).toBe(202)
  })
})
