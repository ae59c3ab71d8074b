import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OTHER, SENDER } from '../support/test-gateway.ts'
import { type CappingGateway, startCappingGateway } from './capping-gateway.ts'

const cfg = (
  url: string,
  rating: unknown = { maxCallsCount: 10, periodInMs: 1000 },
  extra: Record<string, unknown> = {},
) => ({
  url,
  methods: ['POST'],
  services: { action: { rating, ...extra } },
})

describe('endpoint config API (AJO capping shapes)', () => {
  let gw: CappingGateway
  beforeAll(async () => {
    gw = await startCappingGateway()
  })
  afterAll(async () => {
    await gw.stop()
  })

  it('answers every validation error with its ERR_ENDPOINTCONFIG code and status 400', async () => {
    const cases: Record<string, unknown> = {
      ERR_ENDPOINTCONFIG_100: {
        methods: ['POST'],
        services: { action: { rating: { maxCallsCount: 5, periodInMs: 1000 } } },
      },
      ERR_ENDPOINTCONFIG_101: cfg('not a url'),
      ERR_ENDPOINTCONFIG_102: cfg('https://*.example.org/x'),
      ERR_ENDPOINTCONFIG_103: {
        url: 'https://api.example.org/*',
        services: { action: { rating: { maxCallsCount: 5, periodInMs: 1000 } } },
      },
      ERR_ENDPOINTCONFIG_104: { url: 'https://api.example.org/*', methods: ['POST'], services: { action: {} } },
      ERR_ENDPOINTCONFIG_107: cfg('https://api.example.org/*', { maxCallsCount: 0, periodInMs: 1000 }),
      ERR_ENDPOINTCONFIG_108: cfg('https://api.example.org/*', { maxCallsCount: 5, periodInMs: 0 }),
      ERR_ENDPOINTCONFIG_111: cfg('https://api.example.org/*', undefined, { maxHttpConnections: 401 }),
      ERR_AUTHORING_ENDPOINTCONFIG_1: {
        url: 'https://api.example.org/*',
        methods: ['POST'],
        services: { foo: { rating: { maxCallsCount: 5, periodInMs: 1000 } } },
      },
    }
    for (const [code, body] of Object.entries(cases)) {
      const r = await gw.call('POST', '/v1/endpoint-configs', body)
      expect({ code, status: r.status, got: r.json?.code }).toEqual({ code, status: 400, got: code })
      expect(r.headers.get('content-type')).toContain('application/problem+json')
    }
    expect((await gw.call('POST', '/v1/endpoint-configs', cfg('https://api.example.org:*/x'))).json.code).toBe(
      'ERR_ENDPOINTCONFIG_102',
    )
    expect((await gw.call('POST', '/v1/endpoint-configs', [1, 2])).json.code).toBe('ERR_ENDPOINTCONFIG_111')
    expect(
      (await gw.call('POST', '/v1/endpoint-configs', cfg('https://a.example/*', undefined, { maxHttpConnections: 0 })))
        .json.code,
    ).toBe('ERR_ENDPOINTCONFIG_111')
  })

  it('answers a body that is not JSON with ERR_ENDPOINTCONFIG_112, whatever its content type', async () => {
    for (const type of ['application/json', 'text/plain', 'application/x-www-form-urlencoded']) {
      const r = await gw.call('POST', '/v1/endpoint-configs', 'not json', { 'content-type': type })
      expect(r.status).toBe(400)
      expect(r.json.code).toBe('ERR_ENDPOINTCONFIG_112')
    }
    const empty = await gw.call('POST', '/v1/endpoint-configs', '', { 'content-type': 'application/json' })
    expect(empty.json.code).toBe('ERR_ENDPOINTCONFIG_112')
    // JSON sent as text/plain is still read
    const ok = await gw.call('POST', '/v1/endpoint-configs', JSON.stringify(cfg('https://text.example/*')), {
      'content-type': 'text/plain',
    })
    expect(ok.status).toBe(200)
  })

  it('creates with AJO shapes, warns ERR_ENDPOINTCONFIG_106 without maxHttpConnections and accepts 50 calls/s', async () => {
    const r = await gw.call(
      'POST',
      '/v1/endpoint-configs',
      cfg('https://api.example.org/data/*', { maxCallsCount: 50, periodInMs: 1000 }),
    )
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({
      resStatus: 'created',
      uid: expect.any(String),
      uri: `/v1/endpoint-configs/${r.json.uid}`,
      createdElement: {
        url: 'https://api.example.org/data/*',
        methods: ['POST'],
        services: { action: { rating: { maxCallsCount: 50, periodInMs: 1000 } } },
        state: 'created',
        hasBeenDeployed: false,
        sandboxName: 'sb',
      },
      canDeploy: { validationStatus: 'ok', errors: [] },
    })
    expect(r.json.canDeploy.warnings.map((w: { code: string }) => w.code)).toEqual(['ERR_ENDPOINTCONFIG_106'])
    const withMax = await gw.call(
      'POST',
      '/v1/endpoint-configs',
      cfg('https://api.example.org/other/*', undefined, { maxHttpConnections: 400 }),
    )
    expect(withMax.json.canDeploy.warnings).toEqual([])
  })

  it('walks the state machine: created → deployed → updated (PUT) → deployed; delete needs undeploy or forceDelete', async () => {
    const c = await gw.call('POST', '/v1/endpoint-configs', cfg('https://sm.example.org/*'))
    const uid = c.json.uid
    expect((await gw.call('POST', `/v1/endpoint-configs/${uid}/deploy`)).status).toBe(204)
    let got = (await gw.call('GET', `/v1/endpoint-configs/${uid}`)).json
    expect(got).toMatchObject({ state: 'deployed', hasBeenDeployed: true })
    expect(got.deployedConfig.services.action).toEqual({
      maxHttpConnections: -1,
      rating: { maxCallsCount: 10, periodInMs: 1000 },
    })

    const put = await gw.call(
      'PUT',
      `/v1/endpoint-configs/${uid}`,
      cfg('https://sm.example.org/*', { maxCallsCount: 99, periodInMs: 1000 }),
    )
    expect(put.status).toBe(200)
    expect(put.json).toMatchObject({ resStatus: 'updated', updatedElement: { state: 'updated' } })
    got = (await gw.call('GET', `/v1/endpoint-configs/${uid}`)).json
    expect(got.services.action.rating.maxCallsCount).toBe(99)
    expect(got.deployedConfig.services.action.rating.maxCallsCount).toBe(10)

    const del = await gw.call('DELETE', `/v1/endpoint-configs/${uid}`)
    expect(del.status).toBe(409)
    expect(del.json.code).toBe('CONFLICT')
    expect(del.json.detail).toBe("Can't delete a deployed endpoint config. Undeploy it before deleting it")

    expect((await gw.call('POST', `/v1/endpoint-configs/${uid}/deploy`)).status).toBe(204)
    got = (await gw.call('GET', `/v1/endpoint-configs/${uid}`)).json
    expect(got.state).toBe('deployed')
    expect(got.deployedConfig.services.action.rating.maxCallsCount).toBe(99)

    expect((await gw.call('POST', `/v1/endpoint-configs/${uid}/undeploy`)).status).toBe(204)
    got = (await gw.call('GET', `/v1/endpoint-configs/${uid}`)).json
    expect(got).toMatchObject({ state: 'created', hasBeenDeployed: true })
    expect(got.deployedConfig).toBeUndefined()
    expect((await gw.call('DELETE', `/v1/endpoint-configs/${uid}`)).status).toBe(200)
    expect((await gw.call('GET', `/v1/endpoint-configs/${uid}`)).status).toBe(404)

    const d = await gw.call('POST', '/v1/endpoint-configs', cfg('https://force.example.org/*'))
    await gw.call('POST', `/v1/endpoint-configs/${d.json.uid}/deploy`)
    expect((await gw.call('DELETE', `/v1/endpoint-configs/${d.json.uid}?forceDelete=true`)).status).toBe(200)
  })

  it('lists with paging, keeps sandboxes apart and needs the admin scope', async () => {
    const first = await gw.call('GET', '/v1/endpoint-configs?limit=2')
    expect(first.status).toBe(200)
    expect(first.json.items).toHaveLength(2)
    const all: string[] = []
    let cursor: string | null = null
    do {
      const page: { json: { items: Array<{ uid: string }>; nextCursor: string | null } } = await gw.call(
        'GET',
        `/v1/endpoint-configs?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      )
      all.push(...page.json.items.map((i) => i.uid))
      cursor = page.json.nextCursor
    } while (cursor)
    expect(new Set(all).size).toBe(all.length)
    expect(all.length).toBeGreaterThanOrEqual(3)

    const uid = all[0]
    expect((await gw.call('GET', `/v1/endpoint-configs/${uid}`, undefined, {}, OTHER)).status).toBe(404)
    expect((await gw.call('POST', `/v1/endpoint-configs/${uid}/deploy`, undefined, {}, OTHER)).status).toBe(404)
    expect((await gw.call('GET', '/v1/endpoint-configs', undefined, {}, OTHER)).json.items).toEqual([])
    expect((await gw.call('GET', '/v1/endpoint-configs', undefined, {}, SENDER)).status).toBe(403)
    expect((await gw.call('GET', '/v1/endpoint-configs', undefined, {}, null)).status).toBe(401)
  })
})

describe('throttling config API', () => {
  let gw: CappingGateway
  beforeAll(async () => {
    gw = await startCappingGateway()
  })
  afterAll(async () => {
    await gw.stop()
  })
  const thr = (extra: Record<string, unknown> = {}) => ({
    name: 't',
    urlPattern: 'https://api.example.org/*',
    methods: ['POST'],
    maxThroughput: 300,
    ...extra,
  })

  it('answers each validation error with its ERR_THROTTLING_CONFIG code', async () => {
    const cases: Array<[string, unknown]> = [
      ['ERR_THROTTLING_CONFIG_100', { methods: ['POST'], maxThroughput: 300 }],
      ['ERR_THROTTLING_CONFIG_100', thr({ methods: undefined })],
      ['ERR_THROTTLING_CONFIG_100', thr({ maxThroughput: undefined })],
      ['ERR_THROTTLING_CONFIG_101', thr({ maxThroughput: 199 })],
      ['ERR_THROTTLING_CONFIG_101', thr({ maxThroughput: 5001 })],
      ['ERR_THROTTLING_CONFIG_104', thr({ urlPattern: 'nope' })],
      ['ERR_THROTTLING_CONFIG_105', thr({ urlPattern: 'https://*.example.org/*' })],
      ['ERR_THROTTLING_CONFIG_106', thr({ maxThroughput: 'fast' })],
      ['ERR_THROTTLING_CONFIG_106', thr({ methods: ['FLY'] })],
      ['ERR_THROTTLING_CONFIG_106', 'not json'],
    ]
    for (const [code, body] of cases) {
      const r = await gw.call('POST', '/v1/throttling-configs', body)
      expect({ code, status: r.status, got: r.json?.code }).toEqual({ code, status: 400, got: code })
    }
  })

  it('allows one config per sandbox (409), applies a PUT on a deployed config at once, deletes after undeploy', async () => {
    const a = await gw.call('POST', '/v1/throttling-configs', thr({ maxThroughput: 200 }))
    expect(a.status).toBe(200)
    expect(a.json).toMatchObject({
      resStatus: 'created',
      createdElement: { state: 'created', hasBeenDeployed: false, maxThroughput: 200 },
    })
    const b = await gw.call('POST', '/v1/throttling-configs', thr())
    expect(b.status).toBe(409)
    expect((await gw.call('POST', '/v1/throttling-configs', thr(), {}, OTHER)).status).toBe(200)

    const uid = a.json.uid
    expect((await gw.call('POST', `/v1/throttling-configs/${uid}/deploy`)).status).toBe(204)
    const put = await gw.call('PUT', `/v1/throttling-configs/${uid}`, thr({ maxThroughput: 5000 }))
    expect(put.json.updatedElement).toMatchObject({
      state: 'deployed',
      maxThroughput: 5000,
      deployedConfig: { maxThroughput: 5000 },
    })
    const limits = await gw.call('GET', '/v1/limits')
    expect(limits.json.items).toContainEqual(
      expect.objectContaining({ key: `throttle:${uid}`, kind: 'throttle', limit: 5000, queued: 0 }),
    )

    expect((await gw.call('DELETE', `/v1/throttling-configs/${uid}`)).status).toBe(409)
    expect((await gw.call('POST', `/v1/throttling-configs/${uid}/undeploy`)).status).toBe(204)
    expect((await gw.call('DELETE', `/v1/throttling-configs/${uid}`)).status).toBe(200)
    expect((await gw.call('GET', '/v1/throttling-configs')).json.items).toEqual([])
  })
})
