import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

/** Prometheus metrics of one gateway; a registry per instance, so tests never share global state. */
export function createMetrics({ defaults = false }: { defaults?: boolean } = {}) {
  const registry = new Registry()
  if (defaults) collectDefaultMetrics({ register: registry })
  const messages = new Counter({
    name: 'sendgate_messages_total',
    help: 'Message status changes by channel and status',
    labelNames: ['channel', 'status'] as const,
    registers: [registry],
  })
  const attempts = new Histogram({
    name: 'sendgate_attempt_duration_seconds',
    help: 'Delivery attempt latency by channel and outcome',
    labelNames: ['channel', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  })
  const capRejections = new Counter({
    name: 'sendgate_cap_rejections_total',
    help: 'Calls refused by a capping limit',
    labelNames: ['kind'] as const,
    registers: [registry],
  })
  const suppressionHits = new Counter({
    name: 'sendgate_suppression_hits_total',
    help: 'Messages suppressed at intake by check',
    labelNames: ['check'] as const,
    registers: [registry],
  })
  const queueDepth = new Gauge({
    name: 'sendgate_queue_depth',
    help: 'Messages waiting in the dispatch queue by lane',
    labelNames: ['lane'] as const,
    registers: [registry],
  })
  const httpRequests = new Counter({
    name: 'sendgate_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['status'] as const,
    registers: [registry],
  })
  return { registry, messages, attempts, capRejections, suppressionHits, queueDepth, httpRequests }
}

export type Metrics = ReturnType<typeof createMetrics>
