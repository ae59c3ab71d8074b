import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SENDER, startTestGateway } from '../support/test-gateway.ts'

describe('GET /v1/stats', () => {
  let gw: Awaited<ReturnType<typeof startTestGateway>>
  beforeAll(async () => {
    gw = await startTestGateway()
  })
  afterAll(() => gw.stop())

  it('counts status changes per time bucket, per sandbox', async () => {
    const r = await gw.call('POST', '/v1/messages', { channel: 'sms', to: '+15551230000', content: { body: 'hi' } })
    await gw.waitFor(r.json.id, ['delivered'])
    // Dispatch-side counts are written once a second.
    let totals: Record<string, number> = {}
    for (let i = 0; i < 50 && !totals.delivered; i++) {
      const stats = await gw.call('GET', '/v1/stats?step=60000')
      expect(stats.status).toBe(200)
      expect(stats.json.step).toBe(60000)
      totals = {}
      for (const b of stats.json.buckets)
        for (const [k, v] of Object.entries(b.byStatus)) totals[k] = (totals[k] ?? 0) + (v as number)
      if (!totals.delivered) await new Promise((r) => setTimeout(r, 100))
    }
    expect(totals).toMatchObject({ queued: 1, sending: 1, delivered: 1 })
    const other = await gw.call('GET', '/v1/stats?step=60000', undefined, {}, 'other-admin')
    expect(other.json.buckets.every((b: { byStatus: object }) => Object.keys(b.byStatus).length === 0)).toBe(true)
  })

  it('needs the admin scope and sane parameters', async () => {
    expect((await gw.call('GET', '/v1/stats', undefined, {}, SENDER)).status).toBe(403)
    expect((await gw.call('GET', '/v1/stats?step=10')).status).toBe(400)
  })
})
