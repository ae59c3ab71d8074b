import { describe, expect, it } from 'vitest'
import { configuredActionLimits } from '../../src/capping/action-limits.ts'
import { createdConfig, deployedConfig } from '../../src/capping/config-lifecycle.ts'
import { endpointSettingKeys, endpointSnapshot, parseEndpointConfig } from '../../src/capping/endpoint-config.ts'
import { parseThrottlingConfig, throttlingSettingKeys } from '../../src/capping/throttling-config.ts'
import { matchesUrl, parseUrlPattern } from '../../src/capping/url-pattern.ts'
import { manualClock } from '../../src/domain/clock.ts'
import { memoryStore } from '../../src/store/memory/memory-store.ts'

const pattern = (url: string) => {
  const p = parseUrlPattern(url)
  if (!p.ok) throw new Error(p.problem)
  return p.pattern
}
const matches = (config: string, url: string) => matchesUrl(pattern(config), new URL(url))

describe('config URL patterns', () => {
  it('needs the same scheme, host and effective port', () => {
    expect(matches('https://api.example.org/*', 'https://API.example.org:443/x')).toBe(true)
    expect(matches('http://api.example.org/*', 'https://api.example.org/x')).toBe(false)
    expect(matches('https://api.example.org:8443/*', 'https://api.example.org/x')).toBe(false)
    expect(matches('http://127.0.0.1:8080/*', 'http://127.0.0.1:8080/a/b')).toBe(true)
  })
  it('lets a trailing /* match the rest of the path and an inner * one segment; ignores queries', () => {
    expect(matches('https://h.example/data/2.5/*', 'https://h.example/data/2.5/weather/today?q=1')).toBe(true)
    expect(matches('https://h.example/data/2.5/*', 'https://h.example/data/2.5')).toBe(true)
    expect(matches('https://h.example/data/2.5/*', 'https://h.example/data/2.55/x')).toBe(false)
    expect(matches('https://h.example/a/*/c', 'https://h.example/a/b/c')).toBe(true)
    expect(matches('https://h.example/a/*/c', 'https://h.example/a/b/x/c')).toBe(false)
    expect(matches('https://h.example/a/b?x=1', 'https://h.example/a/b?y=2')).toBe(true)
    expect(matches('https://h.example/a/b', 'https://h.example/a/b/c')).toBe(false)
  })
  it('reports missing, malformed and wildcard-host URLs', () => {
    expect(parseUrlPattern(undefined)).toEqual({ ok: false, problem: 'missing' })
    expect(parseUrlPattern('ftp://h/x')).toEqual({ ok: false, problem: 'malformed' })
    expect(parseUrlPattern(42)).toEqual({ ok: false, problem: 'malformed' })
    expect(parseUrlPattern('https://*.h.example/x')).toEqual({ ok: false, problem: 'wildcard-host' })
    expect(parseUrlPattern('https://h.example:*/x')).toEqual({ ok: false, problem: 'wildcard-host' })
  })
})

describe('configuredActionLimits', () => {
  const caps = {
    defaultCap: { limit: 300_000, windowMs: 60_000 },
    slowCap: { limit: 150_000, windowMs: 30_000 },
    slowEndpointMs: 750,
  }
  const meta = { sandbox: 'sb', by: 'k', at: new Date().toISOString() }

  async function putEndpoint(store: ReturnType<typeof memoryStore>, uid: string, body: unknown, deploy = true) {
    const { settings } = parseEndpointConfig(body)
    const doc = createdConfig(uid, settings, meta)
    await store.configs.put(
      'sb',
      'endpoint',
      deploy ? deployedConfig(doc, endpointSettingKeys, meta, endpointSnapshot) : doc,
    )
  }

  it('resolves the deployed config with the longest literal prefix and the method, else the host key', async () => {
    const store = memoryStore({ clock: manualClock() })
    const limits = configuredActionLimits({ configs: store.configs, ...caps })
    const service = (n: number, extra = {}) => ({
      action: { rating: { maxCallsCount: n, periodInMs: 1000 }, ...extra },
    })
    await putEndpoint(store, 'wide', {
      url: 'https://api.example.org/*',
      methods: ['POST', 'PUT'],
      services: service(1),
    })
    await putEndpoint(store, 'narrow', {
      url: 'https://api.example.org/v1/*',
      methods: ['POST'],
      services: service(2, { maxHttpConnections: 7 }),
    })
    await putEndpoint(
      store,
      'draft',
      { url: 'https://api.example.org/v1/draft/*', methods: ['POST'], services: service(3) },
      false,
    )

    expect((await limits.resolve('sb', 'https://api.example.org/v1/x', 'POST')).cap).toEqual({
      sandbox: 'sb',
      key: 'config:narrow',
      windows: [{ limit: 2, windowMs: 1000 }],
    })
    expect((await limits.resolve('sb', 'https://api.example.org/v1/draft/x', 'POST')).cap.key).toBe('config:narrow')
    expect((await limits.resolve('sb', 'https://api.example.org/v1/x', 'PUT')).cap.key).toBe('config:wide')
    const host = await limits.resolve('sb', 'https://Other.example.org/x', 'POST')
    expect(host.cap).toEqual({
      sandbox: 'sb',
      key: 'host:other.example.org',
      windows: [caps.defaultCap],
      slow: { windows: [caps.slowCap], thresholdMs: 750 },
    })
    expect((await limits.resolve('other', 'https://api.example.org/v1/x', 'POST')).cap.key).toBe('host:api.example.org')
    expect(limits.recentHosts('sb')).toEqual(['other.example.org'])
    expect(limits.connectionLimitFor('https://api.example.org/v1/y')).toBe(7)
    expect(limits.connectionLimitFor('https://api.example.org/v2')).toBeUndefined()
  })

  it('reports a matching deployed throttle with its rate', async () => {
    const store = memoryStore({ clock: manualClock() })
    const limits = configuredActionLimits({ configs: store.configs, ...caps })
    const settings = parseThrottlingConfig({ urlPattern: 'https://t.example/*', methods: ['POST'], maxThroughput: 250 })
    await store.configs.put(
      'sb',
      'throttling',
      deployedConfig(createdConfig('thr', settings, meta), throttlingSettingKeys, meta),
    )
    expect((await limits.resolve('sb', 'https://t.example/x', 'POST')).throttle).toEqual({
      uid: 'thr',
      maxThroughput: 250,
    })
    expect((await limits.resolve('sb', 'https://t.example/x', 'GET')).throttle).toBeUndefined()
  })

  it('sees writes of another process within the cache TTL, and local writes at once through invalidate', async () => {
    const store = memoryStore({ clock: manualClock() })
    let now = 0
    const limits = configuredActionLimits({ configs: store.configs, ...caps, cacheTtlMs: 1000, now: () => now })
    const url = 'https://c.example/x'
    expect((await limits.resolve('sb', url, 'POST')).cap.key).toBe('host:c.example')
    await putEndpoint(store, 'late', {
      url: 'https://c.example/*',
      methods: ['POST'],
      services: { action: { rating: { maxCallsCount: 1, periodInMs: 1000 } } },
    })
    now = 999
    expect((await limits.resolve('sb', url, 'POST')).cap.key).toBe('host:c.example')
    now = 1000
    expect((await limits.resolve('sb', url, 'POST')).cap.key).toBe('config:late')
    await store.configs.remove('sb', 'endpoint', 'late')
    expect((await limits.resolve('sb', url, 'POST')).cap.key).toBe('config:late')
    limits.invalidate('sb')
    expect((await limits.resolve('sb', url, 'POST')).cap.key).toBe('host:c.example')
  })
})
