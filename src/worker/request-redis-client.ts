import { Cluster, Redis } from 'ioredis'
import { clusterSeeds } from '../store/redis/redis-client.ts'
import type { RedisClient } from '../store/redis/redis-scripts.ts'

/**
 * A Redis client for one Worker request. workerd ties a socket to the request that opened it, so the Worker
 * cannot keep a pool the way a Node process does: each request that touches the store connects (lazily, on
 * its first command; `/healthz` never does) and the client is closed when the response is out. Commands fail
 * within `timeoutMs` and are retried at most once, as `connectRedis` does for Node, so an outage is a 503
 * STORE_UNAVAILABLE rather than a hung request; the offline queue only bridges this client's own connect.
 */
export function requestRedisClient({
  url = 'redis://127.0.0.1:6379',
  clusterNodes,
  timeoutMs,
}: {
  url?: string
  /** Comma-separated `host:port` seeds of a Redis Cluster, used instead of `url`. */
  clusterNodes?: string
  timeoutMs: number
}): { client: RedisClient; close(): Promise<void> } {
  const common = {
    lazyConnect: true,
    enableOfflineQueue: true,
    enableReadyCheck: false,
    commandTimeout: timeoutMs,
    connectTimeout: Math.max(timeoutMs, 1000),
    maxRetriesPerRequest: 1,
    retryStrategy: (times: number) => (times > 1 ? null : 50),
  }
  const client: RedisClient = clusterNodes
    ? new Cluster(clusterSeeds(clusterNodes), {
        lazyConnect: true,
        enableOfflineQueue: true,
        enableReadyCheck: false,
        enableAutoPipelining: true,
        redisOptions: common,
        clusterRetryStrategy: (times) => (times > 1 ? null : 50),
      })
    : new Redis(url, { ...common, enableAutoPipelining: true })
  client.on('error', () => {})
  return {
    client,
    /** Sends QUIT after the commands in flight (a client that never connected has nothing to close). */
    async close() {
      if (client.status === 'wait' || client.status === 'end') return
      await client.quit().catch(() => client.disconnect())
    },
  }
}
