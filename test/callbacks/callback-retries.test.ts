import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signingSecretFor, verifyCallbackSignature } from '../../src/callbacks/callback-signature.ts'
import { startEndpoint } from '../support/http-endpoint.ts'
import { eventually, startCallbackGateway, unique } from './callback-gateway.ts'

interface TraceEntry {
  step: string
  decision: string
  detail: { status: string; code?: string; httpStatus?: number; attempt: number; why?: string }
}

const HOUR = 3_600_000

/** Retries run on the gateway's manual clock: nothing is retried until the test moves it. */
describe('status callback retries (manual clock)', () => {
  let gw: Awaited<ReturnType<typeof startCallbackGateway>>
  let ep: Awaited<ReturnType<typeof startEndpoint>>
  let downUrl: string
  beforeAll(async () => {
    ep = await startEndpoint((call, n) => {
      if (call.path.startsWith('/flaky')) return { status: n <= 2 ? 500 : 200 }
      if (call.path.startsWith('/gone')) return { status: 404 }
      return { status: 200 }
    })
    const down = await startEndpoint()
    downUrl = down.url
    await down.close()
    gw = await startCallbackGateway({}, { manual: true, notifier: { tickMs: 10 } })
  })
  afterAll(async () => {
    await gw.stop()
    await ep.close()
  })

  const statusesAt = (path: string) => ep.calls.filter((c) => c.path === path).map((c) => JSON.parse(c.body).status)
  const callbackTrace = async (id: string): Promise<TraceEntry[]> =>
    (await gw.call('GET', `/v1/messages/${id}`)).json.trace.filter((t: TraceEntry) => t.step === 'callback')
  const send = async (callbackUrl: string) => {
    const r = await gw.call('POST', '/v1/messages', {
      channel: 'action',
      to: `${ep.url}${unique('action')}`,
      action: { method: 'POST', body: { n: 1 } },
      callbackUrl,
    })
    expect(r.status).toBe(202)
    return r.json.id as string
  }

  it('delivers on the third try after two 500s, in order, while other messages keep flowing', async () => {
    const flaky = unique('flaky')
    const id = await send(`${ep.url}${flaky}`)
    await gw.waitFor(id, ['sent'])
    await eventually(() => statusesAt(flaky).length === 1, 10_000, 'first attempt')
    await eventually(async () => (await callbackTrace(id)).length === 1, 10_000, 'retry traced')

    const others = [unique('ok'), unique('ok'), unique('ok')]
    const otherIds = await Promise.all(others.map((path) => send(`${ep.url}${path}`)))
    for (const [i, path] of others.entries()) {
      await gw.waitFor(otherIds[i]!, ['sent'])
      await eventually(() => statusesAt(path).length === 3, 10_000, 'other callbacks')
      expect(statusesAt(path)).toEqual(['queued', 'sending', 'sent'])
    }
    expect(statusesAt(flaky)).toEqual(['queued'])

    gw.advance(1000)
    await eventually(() => statusesAt(flaky).length === 2, 10_000, 'second attempt')
    await eventually(async () => (await callbackTrace(id)).length === 2, 10_000, 'second retry traced')
    gw.advance(2000)
    await eventually(() => statusesAt(flaky).length === 5, 10_000, 'third attempt and the rest')
    expect(statusesAt(flaky)).toEqual(['queued', 'queued', 'queued', 'sending', 'sent'])
    const trace = await eventually(async () => {
      const t = await callbackTrace(id)
      return t.length === 5 && t
    })
    expect(trace.map((t) => [t.decision, t.detail.status, t.detail.attempt, t.detail.httpStatus])).toEqual([
      ['retry', 'queued', 1, 500],
      ['retry', 'queued', 2, 500],
      ['delivered', 'queued', 3, 200],
      ['delivered', 'sending', 1, 200],
      ['delivered', 'sent', 1, 200],
    ])
    const secret = signingSecretFor('sb', gw.config.AUTH_SECRET)
    const nowSec = gw.gateway.deps.clock.now() / 1000
    for (const call of ep.calls.filter((c) => c.path === flaky))
      expect(
        verifyCallbackSignature(call.headers['x-sendgate-signature'] as string, call.body, secret, 300, nowSec),
      ).toBe(true)
  })

  it('gives up after 24 h on a receiver that stays down, and says so in the trace', async () => {
    const id = await send(`${downUrl}/down`)
    await gw.waitFor(id, ['sent'])
    await eventually(async () => (await callbackTrace(id)).length === 1, 10_000, 'first failure')
    gw.advance(1000)
    await eventually(async () => (await callbackTrace(id)).length === 2, 10_000, 'second failure')
    gw.advance(2000)
    await eventually(async () => (await callbackTrace(id)).length === 3, 10_000, 'third failure')
    gw.advance(12 * HOUR)
    await eventually(async () => (await callbackTrace(id)).length === 4, 10_000, 'fourth failure')
    const before = await callbackTrace(id)
    expect(
      before.every((t) => t.decision === 'retry' && t.detail.status === 'queued' && t.detail.code === 'NETWORK'),
    ).toBe(true)
    gw.advance(12 * HOUR)
    const trace = await eventually(
      async () => {
        const t = await callbackTrace(id)
        return t.length === 7 && t
      },
      10_000,
      'give-up of every event',
    )
    expect(trace.slice(4).map((t) => [t.decision, t.detail.status, t.detail.why])).toEqual([
      ['gave_up', 'queued', 'retry window over'],
      ['gave_up', 'sending', 'retry window over'],
      ['gave_up', 'sent', 'retry window over'],
    ])
    expect(gw.notifier.pendingCount()).toBe(0)
    const metrics = await gw.gateway.deps.metrics.registry.getSingleMetricAsString('sendgate_callback_failures_total')
    expect(metrics).toMatch(/code="NETWORK"} [1-9]/)
  })

  it('does not retry a 4xx: the event is given up at once and the next one still goes', async () => {
    const gone = unique('gone')
    const id = await send(`${ep.url}${gone}`)
    await gw.waitFor(id, ['sent'])
    await eventually(() => statusesAt(gone).length === 3, 10_000, 'three attempts, one per event')
    expect(statusesAt(gone)).toEqual(['queued', 'sending', 'sent'])
    const trace = await eventually(async () => {
      const t = await callbackTrace(id)
      return t.length === 3 && t
    })
    expect(trace.map((t) => [t.decision, t.detail.httpStatus, t.detail.why])).toEqual([
      ['gave_up', 404, 'not retried'],
      ['gave_up', 404, 'not retried'],
      ['gave_up', 404, 'not retried'],
    ])
  })
})
