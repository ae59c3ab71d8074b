import type { Config } from '../../config/load-config.ts'
import type { Clock } from '../../domain/clock.ts'
import type { Store } from '../types.ts'
import { redisAccept } from './redis-accept.ts'
import { redisAllowlist } from './redis-allowlist.ts'
import { connectRedis, guarded, toStoreError } from './redis-client.ts'
import { redisConfigs } from './redis-configs.ts'
import { redisConsents } from './redis-consents.ts'
import type { RedisContext } from './redis-context.ts'
import { redisIdempotency } from './redis-idempotency.ts'
import { redisKeys } from './redis-keys.ts'
import { redisLimiter } from './redis-limiter.ts'
import { redisMessages } from './redis-messages.ts'
import { redisOutbox } from './redis-outbox.ts'
import { redisQueue } from './redis-queue.ts'
import { type LuaScript, loadScripts, type RedisClient, scriptRunner } from './redis-scripts.ts'
import { redisSmsOptOuts } from './redis-sms-opt-outs.ts'
import { redisStats } from './redis-stats.ts'
import { redisSuppression } from './redis-suppression.ts'

export interface RedisStoreOptions {
  config: Pick<Config, 'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'REDIS_TIMEOUT_MS' | 'MESSAGE_RETENTION' | 'isTest'>
  clock: Clock
  /** An ioredis client (Redis or Cluster) to use instead of connecting; the store does not close it. */
  client?: RedisClient
  /** First segment of every key; tests give each run its own. */
  prefix?: string
}

/**
 * Every store contract in Redis (≥ 7.0, single node or Cluster), so that several gateway processes share
 * caps, suppression, idempotency and the queue exactly (SPEC section 1). Atomic steps are Lua scripts on
 * Redis time; under NODE_ENV=test they add the injected clock's offset so that time rules are testable.
 */
export async function redisStore({ config, clock, client: given, prefix = 'sg' }: RedisStoreOptions): Promise<Store> {
  const client =
    given ??
    (await connectRedis({
      url: config.REDIS_URL,
      clusterNodes: config.REDIS_CLUSTER_NODES,
      timeoutMs: config.REDIS_TIMEOUT_MS,
    }))
  return redisStoreOver({ config, clock, client, scripts: loadScripts(), prefix, owned: !given })
}

/**
 * The store over a connected client and loaded scripts. The Worker calls it with scripts bundled at build
 * time (workerd has no disk) and a client per request, which it closes itself (`owned: false`).
 */
export function redisStoreOver({
  config,
  clock,
  client,
  scripts,
  prefix = 'sg',
  owned,
}: {
  config: Pick<Config, 'MESSAGE_RETENTION' | 'isTest'>
  clock: Clock
  client: RedisClient
  scripts: Record<string, LuaScript>
  prefix?: string
  owned: boolean
}): Store {
  const ctx: RedisContext = {
    client,
    keys: redisKeys(prefix),
    run: scriptRunner(client, scripts),
    offset: config.isTest ? () => clock.now() - Date.now() : () => 0,
    cluster: client.isCluster,
    retentionMs: config.MESSAGE_RETENTION,
    clock,
  }
  const queue = redisQueue(ctx)
  const accept = redisAccept(ctx, queue)
  const { tagOf: _tagOf, activate: _activate, ...dispatchQueue } = queue
  return {
    kind: 'redis',
    accept: guarded({ accept }).accept,
    messages: guarded(redisMessages(ctx)),
    idempotency: guarded(redisIdempotency(ctx)),
    queue: guarded(dispatchQueue),
    suppression: guarded(redisSuppression(ctx)),
    consents: guarded(redisConsents(ctx)),
    allowlist: guarded(redisAllowlist(ctx)),
    smsOptOuts: guarded(redisSmsOptOuts(ctx)),
    limiter: guarded(redisLimiter(ctx)),
    configs: guarded(redisConfigs(ctx)),
    outbox: guarded(redisOutbox(ctx)),
    stats: guarded(redisStats(ctx)),
    async ping() {
      try {
        await client.ping()
      } catch (e) {
        throw toStoreError(e)
      }
    },
    async close() {
      if (owned) await client.quit().catch(() => client.disconnect())
    },
  }
}
