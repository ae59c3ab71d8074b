import { afterEach, describe, expect, it } from 'vitest'
import type { MessageRecord } from '../../src/domain/message.ts'
import { createFeedback } from '../../src/suppression/feedback.ts'
import { email, startSuppressionGateway } from './suppression-gateway.ts'

type Started = Awaited<ReturnType<typeof startSuppressionGateway>>
const running: Started[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((t) => t.stop()))
})

/** A sent email record, as dispatch hands it to the feedback step. */
function sentEmail(to: string, n: number): MessageRecord {
  const at = new Date().toISOString()
  return {
    id: `msg-${n}`,
    sandbox: 'sb',
    channel: 'email',
    to,
    category: 'transactional',
    priority: 'normal',
    status: 'sending',
    createdAt: at,
    updatedAt: at,
    content: { subject: 'Hi', text: 'Hi' },
    attempts: [],
    trace: [],
    seriesAttempts: 1,
    sandboxed: true,
  }
}

describe('soft bounces (SOFT_BOUNCE_THRESHOLD=5)', () => {
  async function setup() {
    const t = await startSuppressionGateway()
    running.push(t)
    const { store, clock, config } = t.gateway.deps
    const feedback = createFeedback({ store, clock, softBounceThreshold: config.SOFT_BOUNCE_THRESHOLD })
    let n = 0
    const bounce = (to: string) => feedback.apply(sentEmail(to, n++), { kind: 'soft_bounce' })
    const success = (to: string) => feedback.apply(sentEmail(to, n++), { kind: 'success' })
    return { ...t, bounce, success }
  }

  it('five consecutive soft bounces suppress the address', async () => {
    const { call, bounce } = await setup()
    for (let i = 0; i < 4; i++) await bounce('soft@example.com')
    // (No message is sent here: its delivery would be a success and reset the count.)
    expect((await call('GET', '/v1/suppressions/email/soft@example.com')).status).toBe(404)
    await bounce('soft@example.com')
    const entry = await call('GET', '/v1/suppressions/email/soft@example.com')
    expect(entry.json).toMatchObject({ type: 'email', value: 'soft@example.com', reason: 'soft_bounce' })
    expect((await call('POST', '/v1/messages', email('soft@example.com'))).json).toMatchObject({
      status: 'suppressed',
      reason: 'soft_bounce',
    })
    expect((await call('GET', '/v1/suppressions?reason=soft_bounce')).json.items).toHaveLength(1)
  })

  it('four, a success, then four more do not', async () => {
    const { call, bounce, success } = await setup()
    for (let i = 0; i < 4; i++) await bounce('flaky@example.com')
    await success('flaky@example.com')
    for (let i = 0; i < 4; i++) await bounce('flaky@example.com')
    expect((await call('GET', '/v1/suppressions/email/flaky@example.com')).status).toBe(404)
    expect((await call('POST', '/v1/messages', email('flaky@example.com'))).status).toBe(202)
  })

  it('deleting the entry starts the count again', async () => {
    const { call, bounce } = await setup()
    for (let i = 0; i < 5; i++) await bounce('again@example.com')
    expect((await call('DELETE', '/v1/suppressions/email/again@example.com')).status).toBe(204)
    await bounce('again@example.com')
    expect((await call('GET', '/v1/suppressions/email/again@example.com')).status).toBe(404)
  })
})
