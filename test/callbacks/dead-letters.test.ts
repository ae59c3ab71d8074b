import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newMessageId } from '../../src/domain/ids.ts'
import type { MessageRecord } from '../../src/domain/message.ts'
import { startEndpoint } from '../support/http-endpoint.ts'
import { OTHER, TESTER } from '../support/test-gateway.ts'
import { eventually, startCallbackGateway, unique } from './callback-gateway.ts'

interface View {
  id: string
  status: string
  reason?: string
  error?: { code: string }
  attempts: { n: number; outcome: string }[]
  trace: { step: string; decision: string; detail?: Record<string, unknown> }[]
}

describe('dead letters: retry and replay', () => {
  let gw: Awaited<ReturnType<typeof startCallbackGateway>>
  let ep: Awaited<ReturnType<typeof startEndpoint>>
  let down = true
  beforeAll(async () => {
    ep = await startEndpoint((call) => {
      if (call.path.startsWith('/svc')) return { status: down ? 503 : 200 }
      if (call.path.startsWith('/bad')) return { status: 400 }
      return { status: 200 }
    })
    gw = await startCallbackGateway({ RETRY_BASE_MS: '5' })
  })
  afterAll(async () => {
    await gw.stop()
    await ep.close()
  })

  const action = (path: string, extra: Record<string, unknown> = {}) => ({
    channel: 'action',
    to: `${ep.url}${path}`,
    action: { method: 'POST', body: { order: 'A-1' }, timeoutMs: 30_000 },
    ...extra,
  })
  const sendFailed = async (path: string, extra: Record<string, unknown> = {}) => {
    const r = await gw.call('POST', '/v1/messages', action(path, extra))
    expect(r.status).toBe(202)
    return r.json.id as string
  }
  const get = async (id: string, key?: string): Promise<View> =>
    (await gw.call('GET', `/v1/messages/${id}`, undefined, {}, key)).json
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

  it('re-queues 50 actions failed by a 503 outage with one replay call; they end sent once the endpoint is back', async () => {
    const early = await sendFailed(unique('svc'))
    await gw.waitFor(early, ['failed'])
    await pause(10)
    const since = new Date().toISOString()
    const cb = unique('cb')
    const ids: string[] = []
    for (let i = 0; i < 50; i++)
      ids.push(await sendFailed(unique('svc'), i === 0 ? { callbackUrl: `${ep.url}${cb}` } : {}))
    const other = await sendFailed(unique('bad'))
    for (const id of [...ids, other]) await gw.waitFor(id, ['failed'], 30_000)
    await pause(10)
    const until = new Date().toISOString()
    await pause(10)
    const late = await sendFailed(unique('svc'))
    await gw.waitFor(late, ['failed'])
    const failed = await get(ids[0]!)
    expect(failed.error, JSON.stringify(failed.attempts)).toMatchObject({ code: 'HTTP_503' })
    expect(failed.attempts).toHaveLength(4)

    down = false
    const r = await gw.call('POST', '/v1/messages/replay', { status: 'failed', code: 'HTTP_503', since, until })
    expect(r.status).toBe(200)
    expect(r.json).toEqual({ requeued: 50, suppressed: 0 })
    for (const id of ids) await gw.waitFor(id, ['sent'], 30_000)
    for (const id of [early, late, other]) expect((await get(id)).status).toBe('failed')

    const sent = await get(ids[0]!)
    expect(sent.error).toBeUndefined()
    expect(sent.attempts.map((a) => [a.n, a.outcome])).toEqual([
      [1, 'failure'],
      [2, 'failure'],
      [3, 'failure'],
      [4, 'failure'],
      [1, 'success'],
    ])
    const replay = sent.trace.find((t) => t.step === 'replay')
    expect(replay).toMatchObject({ decision: 'requeued', detail: { from: 'failed', code: 'HTTP_503' } })

    const events = await eventually(() => {
      const got = ep.calls.filter((c) => c.path === cb).map((c) => JSON.parse(c.body))
      return got.at(-1)?.status === 'sent' && got
    })
    expect(
      events.slice(-3).map((e: { previousStatus: string; status: string }) => [e.previousStatus, e.status]),
    ).toEqual([
      ['failed', 'queued'],
      ['queued', 'sending'],
      ['sending', 'sent'],
    ])

    const again = await gw.call('POST', '/v1/messages/replay', { status: 'failed', code: 'HTTP_503', since, until })
    expect(again.json).toEqual({ requeued: 0, suppressed: 0 })
    const metrics = await gw.gateway.deps.metrics.registry.getSingleMetricAsString('sendgate_replays_total')
    expect(metrics).toContain('sendgate_replays_total{from="failed",outcome="requeued"} 50')
  }, 90_000)

  it('ends suppressed when the address was suppressed meanwhile, with the reason and the entry in the trace', async () => {
    const { store } = gw.gateway.deps
    const record = failedEmail('sb', 'carl@example.com')
    await store.messages.insert(record)
    await store.suppression.add('sb', [
      {
        type: 'email',
        value: 'carl@example.com',
        reason: 'hard_bounce',
        source: 'webhook',
        createdAt: new Date().toISOString(),
      },
    ])
    const r = await gw.call('POST', `/v1/messages/${record.id}/retry`)
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ id: record.id, status: 'suppressed', reason: 'hard_bounce' })
    expect(r.json.error).toBeUndefined()
    const m = await get(record.id)
    expect(m.trace.slice(-2)).toMatchObject([
      { step: 'replay', decision: 'suppressed', detail: { from: 'failed', code: 'NETWORK' } },
      { step: 'suppression', decision: 'suppressed', detail: { reason: 'hard_bounce', type: 'email' } },
    ])
    expect(m.attempts).toHaveLength(1)
  })

  it('checks the allowlist again', async () => {
    const { store } = gw.gateway.deps
    const record = failedEmail('other', 'dora@example.com')
    await store.messages.insert(record)
    await store.allowlist.set('other', { enabled: true, entries: ['example.org'] })
    const r = await gw.call('POST', `/v1/messages/${record.id}/retry`, undefined, {}, OTHER)
    expect(r.json).toMatchObject({ status: 'suppressed', reason: 'not_allowed' })
  })

  it('sends an expired email again as a new attempt series, lifting the past expiry', async () => {
    const { store } = gw.gateway.deps
    const past = new Date(Date.now() - 60_000).toISOString()
    const record: MessageRecord = {
      ...failedEmail('sb', 'erin@example.com'),
      status: 'expired',
      expiresAt: past,
      error: { code: 'EXPIRED', detail: `not sent before ${past}` },
    }
    await store.messages.insert(record)
    const r = await gw.call('POST', `/v1/messages/${record.id}/retry`)
    expect(r.status).toBe(202)
    expect(r.json.status).toBe('queued')
    const m: View = await gw.waitFor(record.id, ['delivered'])
    expect(m.attempts.map((a) => [a.n, a.outcome])).toEqual([
      [1, 'failure'],
      [1, 'success'],
    ])
    expect(m.trace.find((t) => t.step === 'replay')).toMatchObject({
      decision: 'requeued',
      detail: { from: 'expired', code: 'EXPIRED', expiresAtLifted: past },
    })
  })

  it('answers 409 for a message that is not failed, expired or capped, and 404 for an unknown one', async () => {
    const r = await gw.call('POST', '/v1/messages', action(unique('ok')))
    await gw.waitFor(r.json.id, ['sent'])
    const conflict = await gw.call('POST', `/v1/messages/${r.json.id}/retry`)
    expect(conflict.status).toBe(409)
    expect(conflict.json.code).toBe('CONFLICT')
    expect((await get(r.json.id)).status).toBe('sent')
    expect((await gw.call('POST', '/v1/messages/msg_unknown/retry')).status).toBe(404)
    const failed = await sendFailed(unique('bad'))
    await gw.waitFor(failed, ['failed'])
    expect((await gw.call('POST', `/v1/messages/${failed}/retry`, undefined, {}, OTHER)).status).toBe(404)
    expect((await gw.call('POST', `/v1/messages/${failed}/retry`, undefined, {}, TESTER)).status).toBe(404)
    expect((await gw.call('POST', `/v1/messages/${failed}/retry`, undefined, {}, null)).status).toBe(401)
  })

  it('validates the replay filter', async () => {
    expect((await gw.call('POST', '/v1/messages/replay', { status: 'sent' })).status).toBe(400)
    expect((await gw.call('POST', '/v1/messages/replay', {})).status).toBe(400)
    expect((await gw.call('POST', '/v1/messages/replay', { status: 'failed', since: 'yesterday' })).status).toBe(400)
    expect((await gw.call('POST', '/v1/messages/replay', 'x', { 'content-type': 'text/plain' })).status).toBe(415)
    const none = await gw.call('POST', '/v1/messages/replay', { status: 'capped', channel: 'sms' })
    expect(none.json).toEqual({ requeued: 0, suppressed: 0 })
  })
})

function failedEmail(sandbox: string, to: string): MessageRecord {
  const now = Date.now()
  const at = new Date(now).toISOString()
  return {
    id: newMessageId(now),
    sandbox,
    channel: 'email',
    to,
    category: 'transactional',
    priority: 'normal',
    status: 'failed',
    createdAt: at,
    updatedAt: at,
    content: { subject: 'Hi', text: 'Hello' },
    attempts: [{ n: 1, at, durationMs: 5, outcome: 'failure', code: 'NETWORK', detail: 'connection reset' }],
    trace: [],
    error: { code: 'NETWORK', detail: 'connection reset' },
    seriesAttempts: 1,
    sandboxed: true,
  }
}
