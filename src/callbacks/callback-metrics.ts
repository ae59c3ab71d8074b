import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

/**
 * Metrics of status callbacks and dead-letter replays, on the gateway's own registry. Getting them
 * twice from one registry returns the same instruments, so the notifier and the routes can both ask.
 */
export function callbackMetrics(registry: Registry) {
  const reuse = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? make()
  const attempts = reuse(
    'sendgate_callback_attempts_total',
    () =>
      new Counter({
        name: 'sendgate_callback_attempts_total',
        help: 'Status callback attempts by outcome (delivered, retry, gave_up)',
        labelNames: ['outcome'] as const,
        registers: [registry],
      }),
  )
  const failures = reuse(
    'sendgate_callback_failures_total',
    () =>
      new Counter({
        name: 'sendgate_callback_failures_total',
        help: 'Status callback events given up, by last error code',
        labelNames: ['code'] as const,
        registers: [registry],
      }),
  )
  const lag = reuse(
    'sendgate_callback_lag_seconds',
    () =>
      new Histogram({
        name: 'sendgate_callback_lag_seconds',
        help: 'Time from a status change to its callback being accepted by the receiver',
        buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600, 3600, 21_600, 86_400],
        registers: [registry],
      }),
  )
  const pending = reuse(
    'sendgate_callback_pending',
    () =>
      new Gauge({
        name: 'sendgate_callback_pending',
        help: 'Status callback events held in this process, waiting or being delivered',
        registers: [registry],
      }),
  )
  const replays = reuse(
    'sendgate_replays_total',
    () =>
      new Counter({
        name: 'sendgate_replays_total',
        help: 'Dead-letter retries and replays by the status they left and the outcome',
        labelNames: ['from', 'outcome'] as const,
        registers: [registry],
      }),
  )
  return { attempts, failures, lag, pending, replays }
}

export type CallbackMetrics = ReturnType<typeof callbackMetrics>
