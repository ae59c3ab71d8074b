import type { CapRequest, WindowLimit } from '../store/types.ts'

export interface ActionLimits {
  /** The capping slot request of a call to `url`, and the throttle it waits behind, if any. */
  resolve(
    sandbox: string,
    url: string,
    method: string,
  ): Promise<{ cap: CapRequest; throttle?: { uid: string; maxThroughput: number } }>
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
      const host = new URL(url).host.toLowerCase()
      return {
        cap: {
          sandbox,
          key: `host:${host}`,
          windows: [defaultCap],
          slow: { windows: [slowCap], thresholdMs: slowEndpointMs },
        },
      }
    },
  }
}
