import { afterEach, describe, expect, it } from 'vitest'
import type { manualClock } from '../../src/domain/clock.ts'
import { parseCsv } from '../../src/suppression/rfc4180.ts'
import { OTHER, SENDER } from '../support/test-gateway.ts'
import { email, startSuppressionGateway } from './suppression-gateway.ts'

type Started = Awaited<ReturnType<typeof startSuppressionGateway>>
const running: Started[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((t) => t.stop()))
})
async function gateway(...args: Parameters<typeof startSuppressionGateway>): Promise<Started> {
  const t = await startSuppressionGateway(...args)
  running.push(t)
  return t
}
const csv = { 'content-type': 'text/csv' }

describe('POST /v1/suppressions', () => {
  it('stores normalised entries with source api and answers 201', async () => {
    const { call, gateway: g } = await gateway({}, { manual: true })
    const now = new Date(g.deps.clock.now()).toISOString()
    const res = await call('POST', '/v1/suppressions', [
      { type: 'email', value: '  Foo@Example.COM ', comment: 'asked by phone' },
      { type: 'phone', value: '(415) 555-2671', reason: 'complaint' },
      { type: 'domain', value: 'Blocked.Example' },
      { type: 'push_token', value: 'Tok-123', expiresAt: '2099-01-01T00:00:00+01:00' },
    ])
    expect(res.status).toBe(201)
    expect(res.json.items).toEqual([
      {
        type: 'email',
        value: 'foo@example.com',
        reason: 'manual',
        source: 'api',
        comment: 'asked by phone',
        createdAt: now,
      },
      { type: 'phone', value: '+14155552671', reason: 'complaint', source: 'api', createdAt: now },
      { type: 'domain', value: 'blocked.example', reason: 'manual', source: 'api', createdAt: now },
      {
        type: 'push_token',
        value: 'Tok-123',
        reason: 'manual',
        source: 'api',
        createdAt: now,
        expiresAt: '2098-12-31T23:00:00.000Z',
      },
    ])
    expect((await call('GET', '/v1/suppressions/email/FOO%40example.com')).json).toMatchObject({
      value: 'foo@example.com',
    })
    expect((await call('GET', '/v1/suppressions/phone/+1%20415%20555%202671')).json).toMatchObject({
      reason: 'complaint',
    })
  })

  it('refuses the whole array when one entry is invalid, naming each bad field', async () => {
    const { call } = await gateway()
    const res = await call('POST', '/v1/suppressions', [
      { type: 'email', value: 'good@example.com' },
      { type: 'email', value: 'examplemail.com' },
      { type: 'phone', value: '12' },
    ])
    expect(res.status).toBe(400)
    expect(res.json.code).toBe('VALIDATION')
    expect(res.json.errors).toEqual([
      { path: '1.value', message: 'Invalid format for value: examplemail.com' },
      { path: '2.value', message: 'Invalid format for value: 12' },
    ])
    expect((await call('GET', '/v1/suppressions/email/good@example.com')).status).toBe(404)

    const shape = await call('POST', '/v1/suppressions', [
      { type: 'fax', value: 'x' },
      { type: 'email', value: 'a@b.test', reason: 'oops' },
    ])
    expect(shape.status).toBe(400)
    expect(shape.json.errors.map((e: { path: string }) => e.path)).toEqual(['0.type', '1.reason'])
    expect((await call('POST', '/v1/suppressions', [])).status).toBe(400)
    expect((await call('POST', '/v1/suppressions', '[{', { 'content-type': 'application/json' })).status).toBe(400)
    expect((await call('POST', '/v1/suppressions', 'x', { 'content-type': 'text/plain' })).status).toBe(415)
  })
})

describe('GET and DELETE /v1/suppressions/:type/:value', () => {
  it('reads and removes one entry by its normalised value; 404 when absent', async () => {
    const { call } = await gateway()
    await call('POST', '/v1/suppressions', [{ type: 'email', value: 'gone@example.com' }])
    expect((await call('GET', '/v1/suppressions/email/Gone@Example.com')).status).toBe(200)
    const del = await call('DELETE', '/v1/suppressions/email/GONE@example.com')
    expect(del.status).toBe(204)
    expect(del.text).toBe('')
    expect((await call('GET', '/v1/suppressions/email/gone@example.com')).status).toBe(404)
    expect((await call('DELETE', '/v1/suppressions/email/gone@example.com')).status).toBe(404)
    expect((await call('GET', '/v1/suppressions/fax/123')).status).toBe(400)
    expect((await call('GET', '/v1/suppressions/email/not-an-email')).json.errors).toEqual([
      { path: 'value', message: 'Invalid format for value: not-an-email' },
    ])
  })
})

describe('GET /v1/suppressions', () => {
  it('filters by type, reason and time, and pages newest first with a cursor', async () => {
    const { call, gateway: g } = await gateway({}, { manual: true })
    const clock = g.deps.clock as ReturnType<typeof manualClock>
    const t0 = clock.now()
    for (let i = 0; i < 5; i++) {
      await call('POST', '/v1/suppressions', [
        { type: 'email', value: `p${i}@example.com`, reason: i % 2 ? 'hard_bounce' : 'manual' },
      ])
      clock.advance(1000)
    }
    await call('POST', '/v1/suppressions', [{ type: 'phone', value: '+14155552671' }])

    const seen: string[] = []
    let cursor: string | null = null
    do {
      const res = await call(
        'GET',
        `/v1/suppressions?type=email&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      )
      expect(res.status).toBe(200)
      expect(res.json.items.length).toBeLessThanOrEqual(2)
      seen.push(...res.json.items.map((e: { value: string }) => e.value))
      cursor = res.json.nextCursor
    } while (cursor)
    expect(seen).toEqual(['p4@example.com', 'p3@example.com', 'p2@example.com', 'p1@example.com', 'p0@example.com'])

    const bounces = await call('GET', '/v1/suppressions?reason=hard_bounce')
    expect(bounces.json.items.map((e: { value: string }) => e.value)).toEqual(['p3@example.com', 'p1@example.com'])
    const since = new Date(t0 + 1000).toISOString()
    const until = new Date(t0 + 3000).toISOString()
    const range = await call('GET', `/v1/suppressions?since=${since}&until=${until}`)
    expect(range.json.items.map((e: { value: string }) => e.value)).toEqual(['p2@example.com', 'p1@example.com'])
    expect((await call('GET', '/v1/suppressions?limit=0')).status).toBe(400)
    expect((await call('GET', '/v1/suppressions?limit=1001')).status).toBe(400)
    expect((await call('GET', '/v1/suppressions?since=yesterday')).status).toBe(400)
    expect((await call('GET', '/v1/suppressions')).json.items).toHaveLength(6)
  })
})

describe('POST /v1/suppressions/import', () => {
  it('keeps the good rows and reports each bad one with its line and reason', async () => {
    const { call } = await gateway()
    const file = [
      'Type,Value,Reason,Comment',
      'EMAIL,One@Example.com,Hard_Bounce,',
      'email,examplemail.com,manual',
      'domain,Example.ORG,manual,"whole domain, ""on request"""',
      '',
      'phone,(415) 555-2671,complaint',
      'fax,123,manual',
      'email,two@example.com,bounced',
      'push_token,tok-1,invalid_token,"multi',
      'line"',
      'email,three@example.com,,',
    ].join('\r\n')
    const res = await call('POST', '/v1/suppressions/import', file, csv)
    expect(res.status).toBe(200)
    expect(res.json).toEqual({
      imported: 5,
      failed: [
        { line: 3, value: 'examplemail.com', reason: 'Invalid format for value: examplemail.com' },
        { line: 7, value: '123', reason: 'Invalid type: fax' },
        { line: 8, value: 'two@example.com', reason: 'Invalid reason: bounced' },
      ],
    })
    expect((await call('GET', '/v1/suppressions/email/one@example.com')).json).toMatchObject({
      reason: 'hard_bounce',
      source: 'import',
    })
    expect((await call('GET', '/v1/suppressions/domain/example.org')).json.comment).toBe('whole domain, "on request"')
    expect((await call('GET', '/v1/suppressions/phone/+14155552671')).json.reason).toBe('complaint')
    expect((await call('GET', '/v1/suppressions/push_token/tok-1')).json.comment).toBe('multi\r\nline')
    expect((await call('GET', '/v1/suppressions/email/three@example.com')).json.reason).toBe('manual')
  })

  it('reads a file without a header row', async () => {
    const { call } = await gateway()
    const res = await call(
      'POST',
      '/v1/suppressions/import',
      'email,a@example.com,manual\nemail,b@example.com,manual\n',
      csv,
    )
    expect(res.json).toEqual({ imported: 2, failed: [] })
  })

  it('answers 413 over 1 MB and 415 for anything but text/csv, storing nothing', async () => {
    const { call } = await gateway()
    const row = 'email,big@example.com,manual,'
    const big = `${row}${'x'.repeat(1024 * 1024)}\n`
    const res = await call('POST', '/v1/suppressions/import', big, csv)
    expect(res.status).toBe(413)
    expect(res.json.code).toBe('PAYLOAD_TOO_LARGE')
    expect((await call('GET', '/v1/suppressions/email/big@example.com')).status).toBe(404)
    const json = await call('POST', '/v1/suppressions/import', 'email,a@example.com,manual', {
      'content-type': 'application/json',
    })
    expect(json.status).toBe(415)
    expect(json.json.code).toBe('UNSUPPORTED_MEDIA_TYPE')
    expect(
      (
        await call('POST', '/v1/suppressions/import', 'email,a@example.com,manual', {
          'content-type': 'text/csv; charset=utf-8',
        })
      ).status,
    ).toBe(200)
  })
})

describe('GET /v1/suppressions/export', () => {
  it('streams every entry as CSV across several store pages', async () => {
    const { call } = await gateway()
    const rows = Array.from({ length: 2500 }, (_, i) => `email,user${i}@example.com,manual`)
    rows.push('domain,quoted.example,complaint,"a, ""quoted"" comment"')
    expect((await call('POST', '/v1/suppressions/import', rows.join('\n'), csv)).json.imported).toBe(2501)
    await call('POST', '/v1/suppressions', [
      { type: 'phone', value: '+14155552671', expiresAt: '2099-01-01T00:00:00Z' },
    ])

    const res = await call('GET', '/v1/suppressions/export')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/)
    const records = parseCsv(res.text).map((r) => r.fields)
    expect(records[0]).toEqual(['type', 'value', 'reason', 'comment', 'createdAt', 'expiresAt'])
    expect(records).toHaveLength(2503)
    const values = new Set(records.slice(1).map((r) => r[1]))
    expect(values.size).toBe(2502)
    expect(values.has('user0@example.com') && values.has('user2499@example.com')).toBe(true)
    const quoted = records.find((r) => r[1] === 'quoted.example')
    expect(quoted?.slice(0, 4)).toEqual(['domain', 'quoted.example', 'complaint', 'a, "quoted" comment'])
    expect(records.find((r) => r[0] === 'phone')?.[5]).toBe('2099-01-01T00:00:00.000Z')

    const phones = parseCsv((await call('GET', '/v1/suppressions/export?type=phone')).text)
    expect(phones).toHaveLength(2)
  })
})

describe('POST /v1/suppressions/bulk-delete', () => {
  it('removes exactly the hard bounces of a time range; dryRun only counts', async () => {
    const { call, gateway: g } = await gateway({}, { manual: true })
    const clock = g.deps.clock as ReturnType<typeof manualClock>
    const t0 = clock.now()
    const add = (value: string, reason: string) => call('POST', '/v1/suppressions', [{ type: 'email', value, reason }])
    await add('before@isp.example', 'hard_bounce')
    clock.advance(3600_000)
    await add('outage1@isp.example', 'hard_bounce')
    await add('outage2@other.example', 'hard_bounce')
    await add('manual@isp.example', 'manual')
    clock.advance(3600_000)
    await add('after@isp.example', 'hard_bounce')

    const filter = {
      reason: 'hard_bounce',
      since: new Date(t0 + 1800_000).toISOString(),
      until: new Date(t0 + 5400_000).toISOString(),
    }
    const dry = await call('POST', '/v1/suppressions/bulk-delete?dryRun=true', filter)
    expect(dry.status).toBe(200)
    expect(dry.json).toEqual({ matched: 2 })
    expect((await call('GET', '/v1/suppressions')).json.items).toHaveLength(5)

    const res = await call('POST', '/v1/suppressions/bulk-delete', filter)
    expect(res.json).toEqual({ deleted: 2 })
    const left = (await call('GET', '/v1/suppressions')).json.items.map((e: { value: string }) => e.value).sort()
    expect(left).toEqual(['after@isp.example', 'before@isp.example', 'manual@isp.example'])

    expect(
      (await call('POST', '/v1/suppressions/bulk-delete', { domain: 'ISP.example', reason: 'hard_bounce' })).json,
    ).toEqual({ deleted: 2 })
    expect((await call('GET', '/v1/suppressions')).json.items.map((e: { value: string }) => e.value)).toEqual([
      'manual@isp.example',
    ])
  })

  it('refuses a call without a filter, unknown fields and a bad range', async () => {
    const { call } = await gateway()
    await call('POST', '/v1/suppressions', [{ type: 'email', value: 'keep@example.com' }])
    for (const body of [
      {},
      { reasons: 'manual' },
      { domain: 'not a domain' },
      { since: '2026-02-01T00:00:00Z', until: '2026-01-01T00:00:00Z' },
    ]) {
      const res = await call('POST', '/v1/suppressions/bulk-delete', body)
      expect(res.status, JSON.stringify(body)).toBe(400)
    }
    expect((await call('POST', '/v1/suppressions/bulk-delete?dryRun=yes', { reason: 'manual' })).status).toBe(400)
    expect((await call('GET', '/v1/suppressions/email/keep@example.com')).status).toBe(200)
  })
})

describe('suppression at intake', () => {
  it('a domain entry blocks every address at that domain, and a case variant of an address is blocked', async () => {
    const { call } = await gateway()
    await call('POST', '/v1/suppressions', [
      { type: 'domain', value: 'Blocked.Example' },
      { type: 'email', value: 'Person@Example.com', reason: 'complaint' },
    ])
    for (const to of ['a@blocked.example', 'Someone.Else@BLOCKED.example']) {
      const res = await call('POST', '/v1/messages', email(to))
      expect(res.status).toBe(200)
      expect(res.json).toMatchObject({ status: 'suppressed', reason: 'manual' })
    }
    const variant = await call('POST', '/v1/messages', email('PERSON@example.COM'))
    expect(variant.json).toMatchObject({ status: 'suppressed', reason: 'complaint' })
    expect((await call('POST', '/v1/messages', email('a@sub.blocked.example'))).status).toBe(202)
    expect((await call('POST', '/v1/messages', email('friend@example.com'))).status).toBe(202)
  })

  it('an expired entry no longer blocks', async () => {
    const { call, gateway: g } = await gateway({}, { manual: true })
    const clock = g.deps.clock as ReturnType<typeof manualClock>
    await call('POST', '/v1/suppressions', [
      { type: 'email', value: 'past@example.com', expiresAt: new Date(clock.now() - 1000).toISOString() },
      { type: 'email', value: 'soon@example.com', expiresAt: new Date(clock.now() + 60_000).toISOString() },
    ])
    expect((await call('POST', '/v1/messages', email('past@example.com'))).status).toBe(202)
    expect((await call('POST', '/v1/messages', email('soon@example.com'))).json.status).toBe('suppressed')
    clock.advance(61_000)
    expect((await call('POST', '/v1/messages', email('soon@example.com'))).status).toBe(202)
    expect((await call('GET', '/v1/suppressions/email/soon@example.com')).status).toBe(404)
  })

  it("one sandbox's list never affects another's", async () => {
    const { call } = await gateway()
    const other = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      call(method, path, body, headers, OTHER)
    await other('POST', '/v1/suppressions', [
      { type: 'email', value: 'shared@example.com' },
      { type: 'domain', value: 'shared.example' },
    ])
    await other('POST', '/v1/suppressions/import', 'email,imported@example.com,manual', csv)
    await call('POST', '/v1/suppressions', [{ type: 'email', value: 'mine@example.com', reason: 'hard_bounce' }])

    expect((await call('POST', '/v1/messages', email('shared@example.com'))).status).toBe(202)
    expect((await call('POST', '/v1/messages', email('x@shared.example'))).status).toBe(202)
    expect((await other('POST', '/v1/messages', email('shared@example.com'))).json.status).toBe('suppressed')
    expect((await call('GET', '/v1/suppressions/email/shared@example.com')).status).toBe(404)
    expect((await call('DELETE', '/v1/suppressions/email/shared@example.com')).status).toBe(404)
    expect((await call('GET', '/v1/suppressions')).json.items.map((e: { value: string }) => e.value)).toEqual([
      'mine@example.com',
    ])
    expect(parseCsv((await other('GET', '/v1/suppressions/export')).text)).toHaveLength(4)
    expect((await other('POST', '/v1/suppressions/bulk-delete', { reason: 'hard_bounce' })).json).toEqual({
      deleted: 0,
    })
    expect((await call('GET', '/v1/suppressions/email/mine@example.com')).status).toBe(200)
  })
})

describe('admin scope', () => {
  it('answers 403 to a send-only key and 401 without a key on every admin route', async () => {
    const { call } = await gateway()
    const routes: Array<[string, string, unknown?, Record<string, string>?]> = [
      ['POST', '/v1/suppressions', [{ type: 'email', value: 'a@example.com' }]],
      ['GET', '/v1/suppressions'],
      ['GET', '/v1/suppressions/email/a@example.com'],
      ['DELETE', '/v1/suppressions/email/a@example.com'],
      ['POST', '/v1/suppressions/import', 'email,a@example.com,manual', csv],
      ['GET', '/v1/suppressions/export'],
      ['POST', '/v1/suppressions/bulk-delete', { reason: 'manual' }],
      ['GET', '/v1/allowlist'],
      ['PUT', '/v1/allowlist', { enabled: true, entries: [] }],
      ['GET', '/v1/consents/email/a@example.com'],
      ['PUT', '/v1/consents/email/a@example.com', { marketing: false }],
    ]
    for (const [method, path, body, headers] of routes) {
      const forbidden = await call(method, path, body, headers, SENDER)
      expect(forbidden.status, `${method} ${path}`).toBe(403)
      expect(forbidden.json.code).toBe('FORBIDDEN')
      expect((await call(method, path, body, headers, null)).status, `${method} ${path}`).toBe(401)
    }
    expect((await call('GET', '/v1/suppressions')).json.items).toEqual([])
    expect((await call('GET', '/v1/allowlist')).json).toEqual({ enabled: false, entries: [] })
  })

  it('lists the routes in /openapi.json', async () => {
    const { call } = await gateway()
    const doc = await call('GET', '/openapi.json', undefined, {}, null)
    expect(doc.status).toBe(200)
    expect(Object.keys(doc.json.paths)).toEqual(
      expect.arrayContaining([
        '/v1/suppressions',
        '/v1/suppressions/{type}/{value}',
        '/v1/allowlist',
        '/v1/consents/{channel}/{address}',
      ]),
    )
  })
})
