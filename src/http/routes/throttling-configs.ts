import type { OpenAPIHono } from '@hono/zod-openapi'
import { configResource } from '../../capping/config-resource.ts'
import {
  parseThrottlingConfig,
  type ThrottlingSettings,
  throttlingSettingKeys,
} from '../../capping/throttling-config.ts'
import { type ConfigRouteDeps, registerConfigRoutes } from './endpoint-configs.ts'

/**
 * `/v1/throttling-configs`: AJO's throttling API (SPEC section 6). One config per sandbox; a PUT on a
 * deployed config is deployed at once.
 */
export function registerThrottlingConfigRoutes(app: OpenAPIHono, deps: ConfigRouteDeps): void {
  const resource = configResource<ThrottlingSettings>(
    {
      kind: 'throttling',
      basePath: '/v1/throttling-configs',
      label: 'throttling config',
      keys: throttlingSettingKeys,
      parse: (raw) => ({ settings: parseThrottlingConfig(raw), warnings: [] }),
      liveEdits: true,
      onePerSandbox: true,
    },
    { configs: deps.store.configs, onChange: (sandbox) => deps.actionLimits?.invalidate(sandbox) },
  )
  registerConfigRoutes(app, deps, resource, { notJsonCode: 'ERR_THROTTLING_CONFIG_106' })
}
