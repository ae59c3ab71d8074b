import { type Config, ConfigError, loadConfig } from '../config/load-config.ts'

/**
 * The gateway configuration from a Worker's `env`: its `[vars]` and secrets go through the same zod schema as
 * the Node process's environment (bindings that are not strings are ignored). The Worker is an intake front
 * door on the shared Redis, so `ROLE` is `api` and `STORE` is `redis` whatever the vars say; saying anything
 * else is a configuration error rather than a silent override.
 */
export function workerConfig(env: Record<string, unknown>): Config {
  const strings: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string') strings[name] = value
  const problems: string[] = []
  if (strings.ROLE && strings.ROLE !== 'api')
    problems.push(`ROLE: the Worker is the intake front door (ROLE=api); ROLE=${strings.ROLE} runs on Node`)
  if (strings.STORE && strings.STORE !== 'redis')
    problems.push('STORE: the Worker shares the Node dispatchers’ Redis (STORE=redis)')
  if (problems.length) throw new ConfigError(problems)
  return loadConfig({ ...strings, ROLE: 'api', STORE: 'redis' })
}
