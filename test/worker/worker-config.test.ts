import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/config/load-config.ts'
import { workerConfig } from '../../src/worker/worker-config.ts'

describe('workerConfig: the gateway schema fed from a Worker env', () => {
  it('parses [vars] and secrets with the same schema, as ROLE=api on STORE=redis', () => {
    const config = workerConfig({
      API_KEYS: 'k1:sb:send',
      REDIS_URL: 'redis://10.0.0.1:6379/2',
      REDIS_TIMEOUT_MS: '250',
      ACTIONS_ALLOW_PRIVATE: 'false',
      // Bindings that are not strings (KV, service bindings) are not configuration.
      SOME_KV: { get() {} },
    })
    expect(config).toMatchObject({
      ROLE: 'api',
      STORE: 'redis',
      REDIS_URL: 'redis://10.0.0.1:6379/2',
      REDIS_TIMEOUT_MS: 250,
    })
    expect(config.API_KEYS).toEqual([{ token: 'k1', sandbox: 'sb', scopes: ['send'] }])
    expect(config.ACTIONS_ALLOW_PRIVATE).toBe(false)
  })

  it('refuses a role or store the Worker cannot be, naming the variable', () => {
    expect(() => workerConfig({ ROLE: 'dispatcher' })).toThrow(ConfigError)
    expect(() => workerConfig({ ROLE: 'all' })).toThrow(/ROLE: .*ROLE=all runs on Node/)
    expect(() => workerConfig({ STORE: 'memory' })).toThrow(/STORE:/)
    expect(workerConfig({ ROLE: 'api', STORE: 'redis' }).ROLE).toBe('api')
  })

  it('reports every schema problem at once, as the Node process does at start', () => {
    try {
      workerConfig({ REDIS_TIMEOUT_MS: 'soon', NODE_ENV: 'production' })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError)
      const problems = (e as ConfigError).problems.join('\n')
      expect(problems).toMatch(/REDIS_TIMEOUT_MS/)
      expect(problems).toMatch(/AUTH_SECRET/)
      expect(problems).toMatch(/API_KEYS/)
    }
  })
})
