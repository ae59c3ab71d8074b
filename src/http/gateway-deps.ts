import type { Keyring } from '../auth/credentials.ts'
import type { ConfiguredActionLimits } from '../capping/action-limits.ts'
import type { Config } from '../config/load-config.ts'
import type { Clock } from '../domain/clock.ts'
import type { Logger } from '../observability/logger.ts'
import type { Metrics } from '../observability/metrics.ts'
import type { Dispatcher } from '../pipeline/dispatch.ts'
import type { Intake } from '../pipeline/intake.ts'
import type { StatusRecorder } from '../pipeline/status-recorder.ts'
import type { Store } from '../store/types.ts'
import type { TemplateRegistry } from '../templating/template-registry.ts'

/** Everything routes need, built by server.ts (or a test) and handed to createApp. */
export interface GatewayDeps {
  config: Config
  clock: Clock
  store: Store
  keyring: Keyring
  templates: TemplateRegistry
  intake: Intake
  dispatcher: Dispatcher
  status: StatusRecorder
  metrics: Metrics
  logger: Logger
  lifecycle: { shuttingDown: boolean; syncWaiters: number }
  /** Deployed-config capping: config routes drop its cache on writes; the limits view reads recent hosts. */
  actionLimits: ConfiguredActionLimits
}
