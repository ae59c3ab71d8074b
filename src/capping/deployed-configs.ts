/** The configs a sandbox enforces: the deployed snapshots of its endpoint and throttling configs. */
import type { ConfigStore } from '../store/types.ts'
import { type DeployedEndpoint, deployedEndpointOf, type EndpointConfigDocument } from './endpoint-config.ts'
import { type DeployedThrottle, deployedThrottleOf, type ThrottlingConfigDocument } from './throttling-config.ts'
import { comparePatterns, matchesUrl } from './url-pattern.ts'

export interface DeployedConfigs {
  endpoints: DeployedEndpoint[]
  throttles: DeployedThrottle[]
}

/** Reads a sandbox's deployed configs from the store (two list calls). */
export async function loadDeployedConfigs(configs: ConfigStore, sandbox: string): Promise<DeployedConfigs> {
  const [endpointDocs, throttleDocs] = await Promise.all([
    configs.list(sandbox, 'endpoint'),
    configs.list(sandbox, 'throttling'),
  ])
  const endpoints = (endpointDocs as EndpointConfigDocument[])
    .map(deployedEndpointOf)
    .filter((d): d is DeployedEndpoint => d !== null)
  const throttles = (throttleDocs as ThrottlingConfigDocument[])
    .map(deployedThrottleOf)
    .filter((d): d is DeployedThrottle => d !== null)
  return { endpoints, throttles }
}

/** The best match for a call (longest literal prefix; `method` undefined matches any method). */
export function bestMatch<T extends DeployedEndpoint | DeployedThrottle>(
  items: readonly T[],
  url: URL,
  method?: string,
): T | undefined {
  let best: T | undefined
  for (const item of items) {
    if (method !== undefined && !item.methods.has(method.toUpperCase())) continue
    if (!matchesUrl(item.pattern, url)) continue
    if (!best || comparePatterns(item.pattern, best.pattern) < 0) best = item
  }
  return best
}
