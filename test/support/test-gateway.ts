import type { Config } from '../../src/config/load-config.ts'
import { loadConfig } from '../../src/config/load-config.ts'
import { manualClock, systemClock } from '../../src/domain/clock.ts'
import { createLogger } from '../../src/observability/logger.ts'
import { buildGateway, type GatewayOverrides } from '../../src/server.ts'

export const ADMIN = 'test-admin'
export const SENDER = 'test-send'
export const TESTER = 'test-tester'
export const OTHER = 'other-admin'

/** Test configuration: keys for sandbox `sb` (admin, send-only, test) and sandbox `other`. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    API_KEYS: `${ADMIN}:sb:send+admin,${SENDER}:sb:send,${TESTER}:sb:admin+test,${OTHER}:other:send+admin`,
    OAUTH_CLIENTS: 'client-1:secret-1:sb:send',
    AUTH_SECRET: 'test-secret-0123456789abcdef',
    ACTIONS_ALLOW_PRIVATE: 'true',
    RETRY_BASE_MS: '20',
    LOG_LEVEL: 'silent',
    TEMPLATES_DIR: 'templates',
    ...env,
  })
}

/**
 * A whole gateway on the memory store (unless overridden), its dispatcher running, and a `call` helper
 * that goes through `app.request()` with a key. Stop it in afterEach/afterAll.
 */
export async function startTestGateway(
  env: Record<string, string> = {},
  overrides: GatewayOverrides & { manual?: boolean } = {},
) {
  const config = testConfig(env)
  const clock = overrides.clock ?? (overrides.manual ? manualClock(Date.now()) : systemClock())
  const gateway = await buildGateway(config, { logger: createLogger({ level: 'silent' }), clock, ...overrides })
  gateway.start()
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    key: string | null = ADMIN,
  ) => {
    const h: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers }
    let payload: string | undefined
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body)
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json'
    }
    const res = await gateway.app.request(path, { method, headers: h, body: payload })
    const text = await res.text()
    // biome-ignore lint/suspicious/noExplicitAny: response JSON of any shape
    let json: any
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: res.status, headers: res.headers, text, json }
  }
  /** Polls a message until its status is one of `wanted` (or a terminal one), up to `ms`. */
  const waitFor = async (id: string, wanted: string[], ms = 10_000, key = ADMIN) => {
    const until = Date.now() + ms
    // biome-ignore lint/suspicious/noExplicitAny: response JSON of any shape
    let last: any
    while (Date.now() < until) {
      last = (await call('GET', `/v1/messages/${id}`, undefined, {}, key)).json
      if (wanted.includes(last?.status)) return last
      await new Promise((r) => setTimeout(r, 20))
    }
    throw new Error(
      `message ${id} is ${last?.status}, wanted ${wanted.join('|')}: ${JSON.stringify(last).slice(0, 500)}`,
    )
  }
  return { gateway, config, call, waitFor, stop: () => gateway.stop() }
}
