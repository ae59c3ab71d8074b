import { serve } from '@hono/node-server'
import { httpActionAdapter } from '../adapters/action/http/http-action-adapter.ts'
import { safeHttpClient } from '../adapters/action/http/safe-http-client.ts'
import { campaignAdapter } from '../adapters/campaign/soap/campaign-adapter.ts'
import { smtpAdapter } from '../adapters/email/smtp/smtp-adapter.ts'
import { apnsAdapter } from '../adapters/push/apns/apns-adapter.ts'
import { fcmAdapter } from '../adapters/push/fcm/fcm-adapter.ts'
import { readServiceAccount } from '../adapters/push/fcm/service-account.ts'
import { sandboxAdapter } from '../adapters/sandbox/sandbox-adapter.ts'
import { twilioAdapter } from '../adapters/sms/twilio/twilio-adapter.ts'
import type { ChannelAdapter } from '../adapters/types.ts'
import { createApp } from './app.ts'
import { createKeyring } from './auth/credentials.ts'
import { callbackMetrics } from './callbacks/callback-metrics.ts'
import { type CallbackNotifierOptions, createCallbackNotifier } from './callbacks/callback-notifier.ts'
import { configuredActionLimits } from './capping/action-limits.ts'
import { throttleWait } from './capping/throttle-wait.ts'
import { type Config, ConfigError, loadConfig } from './config/load-config.ts'
import { type Clock, systemClock } from './domain/clock.ts'
import type { GatewayDeps } from './http/gateway-deps.ts'
import { createLogger, type Logger } from './observability/logger.ts'
import { createMetrics } from './observability/metrics.ts'
import { type AdapterKey, createAdapterRegistry } from './pipeline/adapter-registry.ts'
import { createDispatcher } from './pipeline/dispatch.ts'
import { createIntake } from './pipeline/intake.ts'
import { sandboxMode } from './pipeline/sandbox-mode.ts'
import { createStatusRecorder } from './pipeline/status-recorder.ts'
import { memoryStore } from './store/memory/memory-store.ts'
import type { Store } from './store/types.ts'
import { createFeedback } from './suppression/feedback.ts'
import { unsubscribeUrlBuilder } from './suppression/unsubscribe-token.ts'
import { loadTemplates } from './templating/template-registry.ts'

export interface GatewayOverrides {
  clock?: Clock
  logger?: Logger
  store?: Store
  adapters?: Partial<Record<AdapterKey, ChannelAdapter>>
  /** Status callback tuning (tests: tickMs, configCacheMs). */
  callbacks?: Partial<Omit<CallbackNotifierOptions, 'store' | 'clock' | 'client' | 'authSecret' | 'logger' | 'metrics'>>
}

/** Chooses the concrete store for the configuration (the only place besides adapters that does). */
async function createStore(config: Config, clock: Clock): Promise<Store> {
  if (config.STORE === 'memory') return memoryStore({ clock, retentionMs: config.MESSAGE_RETENTION })
  const { redisStore } = await import('./store/redis/redis-store.ts')
  return redisStore({ config, clock })
}

/** Provider adapters chosen by configuration; an adapter a test injects is not built. */
function providerAdapters(config: Config, clock: Clock, injected: Partial<Record<AdapterKey, ChannelAdapter>> = {}) {
  const built: Partial<Record<AdapterKey, ChannelAdapter>> = {}
  if (config.EMAIL_TRANSPORT === 'smtp' && config.SMTP_URL && !injected.email)
    built.email = smtpAdapter({
      smtpUrl: config.SMTP_URL,
      from: config.EMAIL_FROM,
      ...(config.DKIM_DOMAIN && config.DKIM_SELECTOR && config.DKIM_PRIVATE_KEY
        ? {
            dkim: {
              domainName: config.DKIM_DOMAIN,
              keySelector: config.DKIM_SELECTOR,
              privateKey: config.DKIM_PRIVATE_KEY,
            },
          }
        : {}),
      unsubscribeUrl: unsubscribeUrlBuilder({ publicUrl: config.PUBLIC_URL, secret: config.AUTH_SECRET }),
    })
  if (config.SMS_PROVIDER === 'twilio' && !injected.sms) {
    const sms = twilioAdapter({
      accountSid: config.TWILIO_ACCOUNT_SID ?? '',
      authToken: config.TWILIO_AUTH_TOKEN ?? '',
      from: config.TWILIO_FROM,
      messagingServiceSid: config.TWILIO_MESSAGING_SERVICE_SID,
      publicUrl: config.PUBLIC_URL,
      apiBase: config.TWILIO_API_BASE,
      clock,
    })
    built.sms = sms
    built.mms = sms
  }
  if (config.PUSH_FCM === 'fcm' && config.FCM_SERVICE_ACCOUNT && !injected['push:fcm'])
    built['push:fcm'] = fcmAdapter({
      serviceAccount: readServiceAccount(config.FCM_SERVICE_ACCOUNT),
      apiBase: config.FCM_API_BASE,
      tokenUrl: config.FCM_TOKEN_URL,
    })
  if (
    config.PUSH_APNS === 'apns' &&
    config.APNS_KEY &&
    config.APNS_KEY_ID &&
    config.APNS_TEAM_ID &&
    config.APNS_TOPIC &&
    !injected['push:apns']
  )
    built['push:apns'] = apnsAdapter({
      key: config.APNS_KEY,
      keyId: config.APNS_KEY_ID,
      teamId: config.APNS_TEAM_ID,
      topic: config.APNS_TOPIC,
      production: config.APNS_PRODUCTION,
      host: config.APNS_HOST,
      port: config.APNS_PORT,
      ca: config.APNS_CA,
    })
  if (config.CAMPAIGN_URL && !injected.campaign)
    built.campaign = campaignAdapter({
      url: config.CAMPAIGN_URL,
      user: config.CAMPAIGN_USER,
      password: config.CAMPAIGN_PASSWORD,
      bearer: config.CAMPAIGN_BEARER,
    })
  return built
}

/** Wires a whole gateway from configuration: store, adapters, pipeline, app. Tests call it too. */
export async function buildGateway(config: Config, overrides: GatewayOverrides = {}) {
  const clock = overrides.clock ?? systemClock()
  const logger = overrides.logger ?? createLogger({ level: config.LOG_LEVEL })
  const store = overrides.store ?? (await createStore(config, clock))
  const metrics = createMetrics({ defaults: !overrides.logger })
  const templates = await loadTemplates({ dir: config.TEMPLATES_DIR })
  const keyring = createKeyring({
    apiKeys: config.API_KEYS,
    oauthClients: config.OAUTH_CLIENTS,
    secret: config.AUTH_SECRET,
  })
  const actionLimits = configuredActionLimits({
    configs: store.configs,
    defaultCap: config.DEFAULT_CAP,
    slowCap: config.SLOW_CAP,
    slowEndpointMs: config.SLOW_ENDPOINT_MS,
  })
  const built = providerAdapters(config, clock, overrides.adapters)
  // A wrong key, account or SMTP server stops the start with a clear message.
  await Promise.all(Object.values(built).map((a) => a.verify?.()))
  // One outbound HTTP client (undici pools + address rules) for custom actions and status callbacks.
  const http = safeHttpClient({
    allowPrivate: config.ACTIONS_ALLOW_PRIVATE,
    clock,
    connectionLimitFor: actionLimits.connectionLimitFor,
  })
  const adapters = createAdapterRegistry({
    sandbox: sandboxAdapter({ outbox: store.outbox, smsSender: config.smsSender }),
    adapters: {
      action: httpActionAdapter({ client: http }),
      ...built,
      ...overrides.adapters,
    },
  })
  const status = createStatusRecorder({ store, clock, metrics, logger })
  const callbacks = createCallbackNotifier({
    store,
    clock,
    client: http,
    authSecret: config.AUTH_SECRET,
    logger,
    metrics: callbackMetrics(metrics.registry),
    ...overrides.callbacks,
  })
  status.listeners.push(callbacks.listener)
  const feedback = createFeedback({ store, clock, softBounceThreshold: config.SOFT_BOUNCE_THRESHOLD })
  const dispatcher = createDispatcher({
    store,
    adapters,
    clock,
    status,
    feedback,
    actionLimits,
    metrics,
    logger,
    retryBaseMs: config.RETRY_BASE_MS,
    transactionalRate: config.TRANSACTIONAL_RATE,
    throttleWaitMs: throttleWait({ store, clock, limits: actionLimits, status }),
    leaseMs: config.DISPATCH_LEASE_MS,
  })
  const intake = createIntake({ store, templates, config, clock, actionLimits, isSandboxed: sandboxMode(config) })
  const deps: GatewayDeps = {
    config,
    clock,
    store,
    keyring,
    templates,
    intake,
    dispatcher,
    status,
    metrics,
    logger,
    lifecycle: { shuttingDown: false, syncWaiters: 0 },
    actionLimits,
  }
  const app = createApp(deps)
  return {
    app,
    deps,
    callbacks,
    start() {
      if (config.ROLE !== 'api') dispatcher.start()
    },
    /** Graceful stop: no new work, waiting `Prefer: wait` calls answered 202, in-flight work finished. */
    async stop() {
      deps.lifecycle.shuttingDown = true
      await dispatcher.stop()
      await callbacks.stop({ graceMs: 1000 })
      await status.stop()
      await Promise.allSettled(adapters.all().map((a) => a.close?.()))
      await http.close()
      await store.close()
    },
  }
}

export type Gateway = Awaited<ReturnType<typeof buildGateway>>

async function main(): Promise<void> {
  let config: Config
  try {
    config = loadConfig(process.env)
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message)
      process.exit(1)
    }
    throw e
  }
  const logger = createLogger({ level: config.LOG_LEVEL })
  let gateway: Gateway
  try {
    gateway = await buildGateway(config, { logger })
  } catch (e) {
    console.error(`sendgate could not start: ${(e as Error).message}`)
    process.exit(1)
  }
  if (config.authSecretIsDefault)
    logger.warn('AUTH_SECRET is not set: using the development secret (refused when NODE_ENV=production)')
  gateway.start()
  const server = serve({ fetch: gateway.app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    const devKey = config.API_KEYS.find((k) => k.token === 'dev-key')
    logger.info(
      { url: `http://${config.HOST}:${info.port}`, store: config.STORE, role: config.ROLE },
      'sendgate listening',
    )
    console.warn(
      `sendgate listening on http://${config.HOST}:${info.port} (store: ${config.STORE}, role: ${config.ROLE})${devKey ? `\ndevelopment API key: ${devKey.token} (sandbox ${devKey.sandbox})` : ''}`,
    )
  })
  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    const hardStop = setTimeout(() => process.exit(1), 10_000)
    hardStop.unref()
    server.close()
    await gateway.stop()
    clearTimeout(hardStop)
    process.exit(0)
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
