import type { CapRequest, ConfigStore, WindowLimit } from '../store/types.ts'
import { bestMatch, type DeployedConfigs, loadDeployedConfigs } from './deployed-configs.ts'

export interface ActionLimits {
  /** The capping slot request of a call to `url`, and the throttle it waits behind, if any. */
  resolve(
    sandbox: string,
    url: string,
    method: string,
  ): Promise<{ cap: CapRequest; throttle?: { uid: string; maxThroughput: number } }>
}

/** ActionLimits backed by the sandbox's deployed configs, with what the HTTP adapter and the routes need. */
export interface ConfiguredActionLimits extends ActionLimits {
  /** The sandbox's deployed configs (cached; see `configuredActionLimits`). */
  deployed(sandbox: string): Promise<DeployedConfigs>
  /**
   * `maxHttpConnections` of the deployed endpoint config matching `url`, for the HTTP action adapter's pools.
   * Pools are per origin, not per sandbox: when configs of several sandboxes match, the smallest limit wins.
   * Synchronous, so it reads what `resolve` last loaded (resolve runs before every attempt).
   */
  connectionLimitFor(url: string): number | undefined
  /** Drops the cached configs of a sandbox: called on every local config write. */
  invalidate(sandbox: string): void
  /** Hosts this process capped by their default host key recently (the limits view). */
  recentHosts(sandbox: string): string[]
}

/** Default capping per (sandbox, lower-case host): 300,000/60 s, 150,000/30 s while the host is slow. */
export function defaultActionLimits({
  defaultCap,
  slowCap,
  slowEndpointMs,
}: {
  defaultCap: WindowLimit
  slowCap: WindowLimit
  slowEndpointMs: number
}): ActionLimits {
  return {
    async resolve(sandbox, url) {
      return { cap: hostCap(sandbox, new URL(url).host.toLowerCase(), { defaultCap, slowCap, slowEndpointMs }) }
    },
  }
}

/** The capping request of the default host key (the limits view peeks with the same windows). */
export function hostCap(
  sandbox: string,
  host: string,
  { defaultCap, slowCap, slowEndpointMs }: { defaultCap: WindowLimit; slowCap: WindowLimit; slowEndpointMs: number },
): CapRequest {
  return {
    sandbox,
    key: `host:${host}`,
    windows: [defaultCap],
    slow: { windows: [slowCap], thresholdMs: slowEndpointMs },
  }
}

interface CacheEntry {
  loadedAt: number
  pending: Promise<DeployedConfigs>
  value?: DeployedConfigs
}

const RECENT_HOSTS_MAX = 100

/**
 * Capping and throttling of custom actions from the sandbox's DEPLOYED configs (SPEC sections 5 and 6):
 * limit key `config:<uid>` with the config's rating when a deployed endpoint config matches URL and method,
 * else `host:<host>` with the default and slow caps over one admission record.
 *
 * Deployed configs are cached per sandbox for `cacheTtlMs` (1 s) instead of reading the store's config
 * version on every call (a round trip per message): a write through this process invalidates at once,
 * another process sees a deploy, undeploy or edit within `cacheTtlMs`. The TTL runs on a monotonic clock
 * (`now`), not the injected gateway clock, because it is about real propagation delay between processes.
 */
export function configuredActionLimits({
  configs,
  defaultCap,
  slowCap,
  slowEndpointMs,
  cacheTtlMs = 1000,
  now = () => performance.now(),
}: {
  configs: ConfigStore
  defaultCap: WindowLimit
  slowCap: WindowLimit
  slowEndpointMs: number
  cacheTtlMs?: number
  now?: () => number
}): ConfiguredActionLimits {
  const cache = new Map<string, CacheEntry>()
  /** Last loaded value per sandbox, kept past its TTL for the synchronous connectionLimitFor. */
  const known = new Map<string, DeployedConfigs>()
  const hosts = new Map<string, Map<string, number>>()
  const hostMemoryMs = Math.max(defaultCap.windowMs, slowCap.windowMs, 60_000)

  function deployed(sandbox: string): Promise<DeployedConfigs> {
    const entry = cache.get(sandbox)
    if (entry && now() - entry.loadedAt < cacheTtlMs) return entry.pending
    const fresh: CacheEntry = { loadedAt: now(), pending: loadDeployedConfigs(configs, sandbox) }
    cache.set(sandbox, fresh)
    fresh.pending.then(
      (value) => {
        fresh.value = value
        if (cache.get(sandbox) === fresh) known.set(sandbox, value)
      },
      () => {
        if (cache.get(sandbox) === fresh) cache.delete(sandbox)
      },
    )
    return fresh.pending
  }

  function noteHost(sandbox: string, host: string): void {
    const seen = hosts.get(sandbox) ?? new Map<string, number>()
    hosts.set(sandbox, seen)
    seen.delete(host)
    seen.set(host, now())
    if (seen.size > RECENT_HOSTS_MAX) {
      const oldest = seen.keys().next().value
      if (oldest !== undefined) seen.delete(oldest)
    }
  }

  return {
    deployed,
    async resolve(sandbox, url, method) {
      const target = new URL(url)
      const { endpoints, throttles } = await deployed(sandbox)
      const endpoint = bestMatch(endpoints, target, method)
      const throttle = bestMatch(throttles, target, method)
      let cap: CapRequest
      if (endpoint) cap = { sandbox, key: `config:${endpoint.uid}`, windows: [endpoint.rating] }
      else {
        const host = target.host.toLowerCase()
        noteHost(sandbox, host)
        cap = hostCap(sandbox, host, { defaultCap, slowCap, slowEndpointMs })
      }
      return { cap, ...(throttle ? { throttle: { uid: throttle.uid, maxThroughput: throttle.maxThroughput } } : {}) }
    },
    connectionLimitFor(url) {
      let target: URL
      try {
        target = new URL(url)
      } catch {
        return undefined
      }
      let limit: number | undefined
      for (const value of known.values()) {
        const max = bestMatch(value.endpoints, target)?.maxHttpConnections
        if (max !== undefined && (limit === undefined || max < limit)) limit = max
      }
      return limit
    },
    invalidate(sandbox) {
      cache.delete(sandbox)
    },
    recentHosts(sandbox) {
      const seen = hosts.get(sandbox)
      if (!seen) return []
      const since = now() - hostMemoryMs
      return [...seen].filter(([, at]) => at >= since).map(([host]) => host)
    },
  }
}
