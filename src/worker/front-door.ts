import { AsyncLocalStorage } from 'node:async_hooks'
import { createKeyring } from '../auth/credentials.ts'
import { configuredActionLimits } from '../capping/action-limits.ts'
import type { Config } from '../config/load-config.ts'
import { systemClock } from '../domain/clock.ts'
import type { GatewayDeps } from '../http/gateway-deps.ts'
import { createLogger, type Logger } from '../observability/logger.ts'
import { createMetrics } from '../observability/metrics.ts'
import type { Dispatcher } from '../pipeline/dispatch.ts'
import { createIntake } from '../pipeline/intake.ts'
import { sandboxMode } from '../pipeline/sandbox-mode.ts'
import { createStatusRecorder } from '../pipeline/status-recorder.ts'
import type { LuaScript } from '../store/redis/redis-scripts.ts'
import { redisStoreOver } from '../store/redis/redis-store.ts'
import type { Store } from '../store/types.ts'
import type { TemplateRegistry } from '../templating/template-registry.ts'
import { createFrontDoorApp } from './front-door-app.ts'
import { requestRedisClient } from './request-redis-client.ts'
import { requestScopedStore } from './request-scoped-store.ts'

/**
 * The Worker never dispatches: accepted messages wait in the shared Redis queue for the Node dispatchers
 * (ROLE=dispatcher). With ROLE=api, submit never asks for a synchronous dispatch (`Prefer: wait` is 202).
 */
function noDispatcher(): Dispatcher {
  return {
    start() {},
    nudge() {},
    dispatchNow: () => Promise.reject(new Error('The Worker front door does not dispatch (ROLE=api)')),
    async stop() {},
    activeCount: () => 0,
  }
}

/**
 * The intake front door. Built once per isolate: configuration, keys, precompiled templates, logger, metrics
 * and the very app the Node server mounts for these routes (Hono compiles its router on the first request,
 * so an app per request would pay that every time). Per request: a Redis client and the store over it,
 * which the app reaches through a request-scoped forwarder. `handle` hands the client's close to `waitUntil`.
 */
export function createFrontDoor({
  config,
  templates,
  scripts,
  logger = createLogger({ level: config.LOG_LEVEL }),
  prefix,
}: {
  config: Config
  templates: TemplateRegistry
  scripts: Record<string, LuaScript>
  logger?: Logger
  /** First segment of every Redis key (the Node store's default `sg` unless a test says otherwise). */
  prefix?: string
}) {
  const clock = systemClock()
  const metrics = createMetrics()
  const requests = new AsyncLocalStorage<Store>()
  const store = requestScopedStore({
    kind: 'redis',
    current: () => {
      const current = requests.getStore()
      if (!current) throw new Error('The front door store is only reachable while a request is handled')
      return current
    },
  })
  // As on Node: deployed endpoint configs, cached per isolate for a second, read through the request's store.
  const actionLimits = configuredActionLimits({
    configs: store.configs,
    defaultCap: config.DEFAULT_CAP,
    slowCap: config.SLOW_CAP,
    slowEndpointMs: config.SLOW_ENDPOINT_MS,
  })
  const deps: GatewayDeps = {
    config,
    clock,
    store,
    keyring: createKeyring({
      apiKeys: config.API_KEYS,
      oauthClients: config.OAUTH_CLIENTS,
      secret: config.AUTH_SECRET,
    }),
    templates,
    intake: createIntake({ store, templates, config, clock, actionLimits, isSandboxed: sandboxMode(config) }),
    dispatcher: noDispatcher(),
    status: createStatusRecorder({ store, clock, metrics, logger }),
    metrics,
    logger,
    lifecycle: { shuttingDown: false, syncWaiters: 0 },
    actionLimits,
  }
  const app = createFrontDoorApp(deps)

  return {
    async handle(request: Request, waitUntil: (promise: Promise<unknown>) => void): Promise<Response> {
      const redis = requestRedisClient({
        url: config.REDIS_URL,
        clusterNodes: config.REDIS_CLUSTER_NODES,
        timeoutMs: config.REDIS_TIMEOUT_MS,
      })
      const current = redisStoreOver({
        config,
        clock,
        client: redis.client,
        scripts,
        owned: false,
        ...(prefix ? { prefix } : {}),
      })
      try {
        return await requests.run(current, () => app.fetch(request))
      } finally {
        // Fire-and-forget writes (traffic stats) were sent before the answer; QUIT goes after them.
        waitUntil(redis.close())
      }
    },
  }
}
