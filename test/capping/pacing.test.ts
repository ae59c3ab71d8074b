import { afterEach, describe, expect, it } from 'vitest'
import { type CappingGateway, startCappingGateway } from './capping-gateway.ts'
import { maxInAnyWindow } from './window-properties.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('transactional pacing and lanes', () => {
  let gw: CappingGateway | undefined
  afterEach(async () => {
    await gw?.stop()
    gw = undefined
  })

  const email = (i: number, extra: Record<string, unknown> = {}) => ({
    channel: 'email',
    to: `user${i}@example.com`,
    content: { subject: `s${i}`, text: `t${i}` },
    ...extra,
  })

  /** Every message of the sandbox with `status`, newest first (all pages). */
  async function listAll(g: CappingGateway, status: string) {
    const out = []
    let cursor = ''
    do {
      const page = await g.call(
        'GET',
        `/v1/messages?status=${status}&channel=email&limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
      )
      out.push(...page.json.items)
      cursor = page.json.nextCursor ?? ''
    } while (cursor)
    return out
  }
  async function waitForCount(g: CappingGateway, status: string, count: number, ms: number) {
    const until = Date.now() + ms
    let items = await listAll(g, status)
    while (items.length < count && Date.now() < until) {
      await sleep(200)
      items = await listAll(g, status)
    }
    return items
  }

  it('paces 600 transactional emails offered at once to ≤ 500 starts in any second, dropping none', async () => {
    gw = await startCappingGateway({ TRANSACTIONAL_RATE: '500' })
    const g = gw
    const r = await g.call('POST', '/v1/messages/batch', { messages: Array.from({ length: 600 }, (_, i) => email(i)) })
    expect(r.json.results.every((x: { status: string }) => x.status === 'queued')).toBe(true)
    const delivered = await waitForCount(g, 'delivered', 600, 30_000)
    expect(delivered).toHaveLength(600)
    const starts = delivered.map((m) => Date.parse(m.attempts[0].at)).sort((a, b) => a - b)
    // Attempts start a few ms after their pacing slot (status write first), and that delay varies under
    // load; the slot times themselves are not recorded, so allow 20 ms of it.
    expect(maxInAnyWindow(starts, 980)).toBeLessThanOrEqual(500)
    // ...and the excess waited rather than being sent in the first second
    expect((starts[599] as number) - (starts[0] as number)).toBeGreaterThanOrEqual(900)
    const limits = (await g.call('GET', '/v1/limits')).json.items
    expect(limits).toContainEqual(
      expect.objectContaining({ key: 'pacing', kind: 'pacing', limit: 500, windowMs: 1000 }),
    )
  }, 60_000)

  it('sends a high-priority message offered behind 2,000 queued marketing messages ahead of most of them', async () => {
    gw = await startCappingGateway()
    const g = gw
    // Hold the dispatcher while the backlog is offered, so that it is all queued when the urgent one comes.
    await g.gateway.deps.dispatcher.stop()
    for (let b = 0; b < 2; b++) {
      const messages = Array.from({ length: 1000 }, (_, i) => email(b * 1000 + i, { category: 'marketing' }))
      const r = await g.call('POST', '/v1/messages/batch', { messages })
      expect(r.json.results.filter((x: { status: string }) => x.status === 'queued')).toHaveLength(1000)
    }
    const urgent = await g.call('POST', '/v1/messages', email(99_999, { category: 'marketing', priority: 'high' }))
    expect(urgent.status).toBe(202)
    const restartedAt = Date.now()
    g.gateway.deps.dispatcher.start()
    const done = await g.waitFor(urgent.json.id, ['delivered'], 30_000)
    const urgentAt = Date.parse(done.attempts[0].at)
    const backlog = await waitForCount(g, 'delivered', 2001, 60_000)
    const marketing = backlog.filter((m) => m.id !== urgent.json.id)
    expect(marketing).toHaveLength(2000)
    const before = marketing.filter((m) => Date.parse(m.attempts[0].at) < urgentAt).length
    expect(before).toBeLessThan(0.9 * 2000)
    expect(urgentAt - restartedAt).toBeLessThan(2000)
  }, 90_000)
})
