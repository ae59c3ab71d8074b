import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { campaignAdapter } from '../../../adapters/campaign/soap/campaign-adapter.ts'
import type { MessageRecord } from '../../../src/domain/message.ts'
import { type CampaignAnswer, startCampaignServer } from '../../fakes/campaign-server.ts'
import { startTestGateway } from '../../support/test-gateway.ts'

function message(over: Partial<MessageRecord> = {}): MessageRecord {
  const at = new Date().toISOString()
  return {
    id: 'msg_test1',
    sandbox: 'sb',
    channel: 'campaign',
    to: { email: 'ana@example.com', mobilePhone: '+14155550100', wishedChannel: 0 },
    category: 'transactional',
    priority: 'normal',
    status: 'sending',
    createdAt: at,
    updatedAt: at,
    template: 'cartAbandonment',
    content: {
      eventType: 'cartAbandonment',
      ctx: {
        firstName: 'Ana <&> "Q"',
        items: {
          item: [
            { name: 'tea', qty: 2 },
            { name: 'cake', qty: 1 },
          ],
        },
        empty: null,
      },
    },
    attempts: [],
    trace: [],
    seriesAttempts: 1,
    sandboxed: false,
    ...over,
  }
}

const context = { attempt: 1, timeoutMs: 5000 }

describe('campaign adapter (SOAP nms:rtEvent#PushEvent)', () => {
  let answers: CampaignAnswer[] = []
  let fake: Awaited<ReturnType<typeof startCampaignServer>>
  beforeAll(async () => {
    fake = await startCampaignServer({ answer: () => answers.shift() ?? 'plId' })
  })
  afterAll(() => fake.close())
  afterEach(() => {
    fake.received.length = 0
    answers = []
  })

  it('posts the envelope field by field and reports plId as the provider id', async () => {
    const adapter = campaignAdapter({ url: fake.url, user: 'mc-user', password: 'p/w&d' })
    try {
      const result = await adapter.send(message(), context)
      expect(result).toMatchObject({ ok: true, providerMessageId: expect.stringMatching(/^[1-9]\d*$/) })
      const [got] = fake.received
      expect(got?.soapAction).toBe('"nms:rtEvent#PushEvent"')
      expect(got?.headers['content-type']).toContain('text/xml')
      expect(got?.headers.authorization).toBeUndefined()
      expect(got?.sessiontoken).toBe('mc-user/p/w&d')
      expect(got?.attributes).toMatchObject({
        type: 'cartAbandonment',
        email: 'ana@example.com',
        mobilePhone: '+14155550100',
        wishedChannel: '0',
        externalId: 'msg_test1',
      })
      expect(got?.ctx).toEqual({
        firstName: 'Ana <&> "Q"',
        items: {
          item: [
            { name: 'tea', qty: '2' },
            { name: 'cake', qty: '1' },
          ],
        },
        empty: '',
      })
      expect(got?.raw).not.toContain('Ana <&>')
    } finally {
      await adapter.close()
    }
  })

  it('uses the bearer with an empty sessiontoken when CAMPAIGN_BEARER is set', async () => {
    const adapter = campaignAdapter({ url: fake.url, user: 'ignored', password: 'ignored', bearer: 'bearer-token' })
    try {
      await adapter.send(message({ to: { mobilePhone: '+14155550100' } }), context)
      const [got] = fake.received
      expect(got?.headers.authorization).toBe('Bearer bearer-token')
      expect(got?.sessiontoken).toBe('')
      expect(got?.attributes.email).toBeUndefined()
      expect(got?.attributes.wishedChannel).toBeUndefined()
    } finally {
      await adapter.close()
    }
  })

  it('classifies plId 0, auth faults, client faults, server faults and 5xx', async () => {
    const adapter = campaignAdapter({ url: fake.url, user: 'u', password: 'p' })
    try {
      const cases: [CampaignAnswer, { code: string; retryable: boolean }][] = [
        ['plId0', { code: 'PROVIDER_CAMPAIGN_PLID_0', retryable: false }],
        ['authFault', { code: 'PROVIDER_CAMPAIGN_AUTH', retryable: false }],
        ['clientFault', { code: 'PROVIDER_CAMPAIGN_CLIENT', retryable: false }],
        ['serverFault', { code: 'PROVIDER_CAMPAIGN_SERVER', retryable: true }],
        ['http503', { code: 'PROVIDER_CAMPAIGN_HTTP_503', retryable: true }],
      ]
      for (const [answer, expected] of cases) {
        answers = [answer]
        const result = await adapter.send(message(), context)
        expect(result, answer).toMatchObject({ ok: false, ...expected })
      }
    } finally {
      await adapter.close()
    }
  })

  it('reports a refused connection as a retryable network error, not ambiguous', async () => {
    const closed = await startCampaignServer()
    const url = closed.url
    await closed.close()
    const adapter = campaignAdapter({ url })
    try {
      const result = await adapter.send(message(), context)
      expect(result).toMatchObject({ ok: false, code: 'NETWORK', retryable: true, ambiguous: false })
    } finally {
      await adapter.close()
    }
  })

  it('through the gateway: plId recorded as providerMessageId; an auth fault fails without retry', async () => {
    const adapter = campaignAdapter({ url: fake.url, user: 'u', password: 'p' })
    const gw = await startTestGateway({ CAMPAIGN_URL: fake.url }, { adapters: { campaign: adapter } })
    try {
      const send = (email: string) =>
        gw.call('POST', '/v1/messages', {
          channel: 'campaign',
          to: { email, wishedChannel: 0 },
          template: 'cartAbandonment',
          data: { firstName: 'Ana' },
        })
      const ok = await send('ok@example.com')
      expect(ok.status).toBe(202)
      const sent = await gw.waitFor(ok.json.id, ['sent'])
      expect(sent.providerMessageId).toMatch(/^[1-9]\d*$/)
      expect(sent.provider).toBe('campaign')
      expect(fake.received.at(-1)?.ctx).toEqual({ firstName: 'Ana' })

      answers = ['authFault']
      const denied = await send('denied@example.com')
      const failed = await gw.waitFor(denied.json.id, ['failed'])
      expect(failed.error.code).toBe('PROVIDER_CAMPAIGN_AUTH')
      expect(failed.attempts).toHaveLength(1)
      await new Promise((r) => setTimeout(r, 100))
      expect(fake.received).toHaveLength(2)
    } finally {
      await gw.stop()
    }
  })
})
