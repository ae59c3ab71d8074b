import type { ConfigDocument, ConfigStore } from '../types.ts'
import type { RedisContext } from './redis-context.ts'

/** Endpoint, throttling and callback configs: a hash per kind and one version counter per sandbox. */
export function redisConfigs({ client, keys }: RedisContext): ConfigStore {
  const check = (results: [Error | null, unknown][] | null) => {
    for (const [error] of results ?? []) if (error) throw error
    return results ?? []
  }
  return {
    async get(sandbox, kind, uid) {
      const json = await client.hget(keys.configs(sandbox, kind), uid)
      return json ? (JSON.parse(json) as ConfigDocument) : null
    },
    async list(sandbox, kind) {
      return (await client.hvals(keys.configs(sandbox, kind))).map((json) => JSON.parse(json) as ConfigDocument)
    },
    async put(sandbox, kind, doc) {
      check(
        await client
          .multi()
          .hset(keys.configs(sandbox, kind), doc.uid, JSON.stringify(doc))
          .incr(keys.configVersion(sandbox))
          .exec(),
      )
    },
    async remove(sandbox, kind, uid) {
      const results = check(
        await client.multi().hdel(keys.configs(sandbox, kind), uid).incr(keys.configVersion(sandbox)).exec(),
      )
      return results[0]?.[1] === 1
    },
    async version(sandbox) {
      return Number((await client.get(keys.configVersion(sandbox))) ?? 0)
    },
  }
}
