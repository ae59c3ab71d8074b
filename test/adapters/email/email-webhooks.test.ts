import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ADMIN, OTHER, SENDER, startTestGateway } from '../../support/test-gateway.ts'

const SECRET = 'hook-secret-123'

describe('POST /v1/webhooks/email', () => {
  let gw: Awaited<ReturnType<typeof startTestGateway>>
  beforeEach(async () => {
    gw = await startTestGateway({ WEBHOOK_SECRET: SECRET, SOFT_BOUNCE_THRESHOLD: '3' })
  })
  afterEach(() => gw.stop())

  const hook = (body: unknown, headers: Record<string, string> = {}, key: string | null = ADMIN) =>
    gw.call('POST', '/v1/webhooks/email', body, headers, key)
  const entry = (value: string, sandbox = 'sb') =>
    gw.gateway.deps.store.suppression.get(sandbox, { type: 'email', value })

  /** A message sent through the sandbox adapter (EMAIL_TRANSPORT=sandbox): it ends `delivered`. */
  async function delivered(to: string, key = ADMIN) {
    const data = { firstName: 'Ana', orderId: 'A-1', total: '10' }
    const res = await gw.call(
      'POST',
      '/v1/messages',
      { channel: 'email', to, template: 'order-confirmation', data },
      {},
      key,
    )
    expect(res.status).toBe(202)
    return gw.waitFor(res.json.id, ['delivered'], 10_000, key)
  }

  it('a hard bounce with an admin key suppresses the normalised address in the key’s sandbox', async () => {
    const res = await hook({ type: 'bounce', bounceType: 'hard', email: '  Ana@Example.ORG ' })
    expect(res.status).toBe(202)
    expect(res.json).toMatchObject({ accepted: true, reason: 'hard_bounce', suppressed: true, message: null })
    expect(await entry('ana@example.org')).toMatchObject({ reason: 'hard_bounce', source: 'webhook' })
    expect(await entry('ana@example.org', 'other')).toBeNull()
  })

  it('a complaint with X-Webhook-Secret lands in the sandbox named in the body', async () => {
    const res = await hook(
      { type: 'complaint', email: 'bob@example.org', sandbox: 'other' },
      { 'x-webhook-secret': SECRET },
      null,
    )
    expect(res.status).toBe(202)
    expect(await entry('bob@example.org', 'other')).toMatchObject({ reason: 'complaint', source: 'webhook' })
    expect(await entry('bob@example.org')).toBeNull()
  })

  it('soft bounces suppress at the SOFT_BOUNCE_THRESHOLD-th one', async () => {
    const soft = { type: 'bounce', bounceType: 'soft', email: 'carl@example.org' }
    expect((await hook(soft)).json).toMatchObject({
      reason: 'soft_bounce',
      suppressed: false,
      softBounces: 1,
      threshold: 3,
    })
    expect((await hook(soft)).json).toMatchObject({ suppressed: false, softBounces: 2 })
    expect(await entry('carl@example.org')).toBeNull()
    expect((await hook(soft)).json).toMatchObject({ suppressed: true, softBounces: 3 })
    expect(await entry('carl@example.org')).toMatchObject({ reason: 'soft_bounce', source: 'webhook' })
  })

  it('with messageId, a delivered message to that address ends failed with HARD_BOUNCE or COMPLAINT', async () => {
    const bounced = await delivered('dan@example.org')
    const res = await hook({ type: 'bounce', bounceType: 'hard', email: 'dan@example.org', messageId: bounced.id })
    expect(res.json.message).toEqual({ id: bounced.id, status: 'failed' })
    const after = (await gw.call('GET', `/v1/messages/${bounced.id}`)).json
    expect(after).toMatchObject({ status: 'failed', error: { code: 'HARD_BOUNCE' } })
    expect(after.trace.at(-1)).toMatchObject({ step: 'feedback', decision: 'hard_bounce' })

    const complained = await delivered('eve@example.org')
    await hook({ type: 'complaint', email: 'eve@example.org', messageId: complained.id })
    expect((await gw.call('GET', `/v1/messages/${complained.id}`)).json).toMatchObject({
      status: 'failed',
      error: { code: 'COMPLAINT' },
    })
  })

  it('never touches a message of another sandbox or to another address', async () => {
    const theirs = await delivered('fay@example.org', OTHER)
    const res = await hook({ type: 'bounce', bounceType: 'hard', email: 'fay@example.org', messageId: theirs.id })
    expect(res.status).toBe(202)
    expect(res.json.message).toBeNull()
    expect((await gw.call('GET', `/v1/messages/${theirs.id}`, undefined, {}, OTHER)).json.status).toBe('delivered')

    const ours = await delivered('gus@example.org')
    await hook({ type: 'bounce', bounceType: 'hard', email: 'someone-else@example.org', messageId: ours.id })
    expect((await gw.call('GET', `/v1/messages/${ours.id}`)).json.status).toBe('delivered')
  })

  it('refuses callers without the right proof: 401, 403, nothing stored', async () => {
    const body = { type: 'bounce', bounceType: 'hard', email: 'hal@example.org', sandbox: 'sb' }
    expect((await hook(body, {}, null)).status).toBe(401)
    expect((await hook(body, { 'x-webhook-secret': 'wrong' }, null)).status).toBe(401)
    expect((await hook(body, {}, 'no-such-key')).status).toBe(401)
    expect((await hook(body, {}, SENDER)).status).toBe(403)
    expect((await hook({ ...body, sandbox: 'other' })).status).toBe(403)
    expect(await entry('hal@example.org')).toBeNull()
  })

  it('answers 401 to any secret when WEBHOOK_SECRET is not configured', async () => {
    const bare = await startTestGateway()
    try {
      const body = { type: 'complaint', email: 'ivy@example.org', sandbox: 'sb' }
      const res = await bare.call('POST', '/v1/webhooks/email', body, { 'x-webhook-secret': '' }, null)
      expect(res.status).toBe(401)
    } finally {
      await bare.stop()
    }
  })

  it('validates the body: 400 with field paths', async () => {
    const noType = await hook({ type: 'bounce', email: 'jo@example.org' })
    expect(noType.status).toBe(400)
    expect(noType.json.errors).toEqual([expect.objectContaining({ path: 'bounceType' })])
    expect((await hook({ type: 'bounce', bounceType: 'hard', email: 'not-an-email' })).json.errors).toEqual([
      expect.objectContaining({ path: 'email' }),
    ])
    expect(
      (await hook({ type: 'complaint', email: 'jo@example.org' }, { 'x-webhook-secret': SECRET }, null)).json.errors,
    ).toEqual([expect.objectContaining({ path: 'sandbox' })])
    expect((await hook('{oops', {})).status).toBe(400)
    expect((await hook('type=bounce', { 'content-type': 'text/plain' })).status).toBe(415)
  })

  it('is described in /openapi.json with the unsubscribe routes', async () => {
    const res = await gw.call('GET', '/openapi.json', undefined, {}, null)
    expect(res.status).toBe(200)
    expect(Object.keys(res.json.paths)).toEqual(
      expect.arrayContaining(['/v1/webhooks/email', '/v1/unsubscribe/{token}']),
    )
  })
})
