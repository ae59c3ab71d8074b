import { Cluster, Redis } from 'ioredis'
import { StoreUnavailableError } from '../../domain/errors.ts'
import type { RedisClient } from './redis-scripts.ts'

const unavailableReplies = /^(CLUSTERDOWN|LOADING|TRYAGAIN|MASTERDOWN|READONLY|BUSY|MOVED|ASK)\b/
const unavailableMessages =
  /Connection is closed|Stream isn't writeable|Command timed out|startup nodes|refresh slots|Cluster redirections|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH/

/**
 * Maps a Redis outage (no connection, a timeout, a cluster without a master) to StoreUnavailableError so
 * the API answers 503 STORE_UNAVAILABLE; anything else (a script bug) stays what it is.
 */
export function toStoreError(e: unknown): unknown {
  if (!(e instanceof Error) || e instanceof StoreUnavailableError) return e
  if (e.name === 'ReplyError') return unavailableReplies.test(e.message) ? new StoreUnavailableError(e) : e
  if (
    e.name === 'MaxRetriesPerRequestError' ||
    e.name === 'ClusterAllFailedError' ||
    unavailableMessages.test(e.message)
  )
    return new StoreUnavailableError(e)
  return e
}

/** Wraps every method of a store part so that an outage surfaces as StoreUnavailableError. */
export function guarded<T extends object>(part: T): T {
  const out: Record<string, unknown> = { ...(part as Record<string, unknown>) }
  for (const [name, value] of Object.entries(part)) {
    if (typeof value !== 'function') continue
    out[name] = async (...args: unknown[]) => {
      try {
        return await value.apply(part, args)
      } catch (e) {
        throw toStoreError(e)
      }
    }
  }
  return out as T
}

export interface ConnectOptions {
  url?: string
  /** Comma-separated `host:port` seeds; a Redis Cluster instead of `url`. */
  clusterNodes?: string
  timeoutMs: number
}

/**
 * Connects with fail-fast settings: no offline queue, a command timeout, one retry at most, so an outage
 * answers within REDIS_TIMEOUT_MS instead of queueing requests it cannot keep (SPEC section 12). Waits
 * for the connection a little, but never fails: the store answers 503 until Redis is there.
 */
/** `REDIS_CLUSTER_NODES` (`host:port,…`) as ioredis Cluster seeds. */
export function clusterSeeds(nodes: string): { host: string; port: number }[] {
  return nodes.split(',').map((seed) => {
    const [host = '127.0.0.1', port = '6379'] = seed.trim().split(':')
    return { host, port: Number(port) }
  })
}

export async function connectRedis({ url, clusterNodes, timeoutMs }: ConnectOptions): Promise<RedisClient> {
  const common = {
    enableOfflineQueue: false,
    commandTimeout: timeoutMs,
    connectTimeout: Math.max(timeoutMs, 1000),
    maxRetriesPerRequest: 1,
  }
  const client: RedisClient = clusterNodes
    ? new Cluster(clusterSeeds(clusterNodes), {
        enableOfflineQueue: false,
        enableAutoPipelining: true,
        redisOptions: common,
        clusterRetryStrategy: (times) => Math.min(100 * times, 1000),
      })
    : new Redis(url ?? 'redis://127.0.0.1:6379', {
        ...common,
        enableAutoPipelining: true,
        retryStrategy: (times) => Math.min(100 * times, 1000),
      })
  // Errors reach callers as rejected commands; without a listener ioredis would print each reconnect.
  client.on('error', () => {})
  await new Promise<void>((resolve) => {
    if (client.status === 'ready') return resolve()
    const timer = setTimeout(resolve, Math.max(2000, timeoutMs * 2))
    client.once('ready', () => {
      clearTimeout(timer)
      resolve()
    })
  })
  return client
}
