import type { Clock } from '../../src/domain/clock.ts'
import type { MessageRecord } from '../../src/domain/message.ts'
import type { AcceptInput } from '../../src/store/types.ts'

/** An AcceptInput as intake builds it for a marketing email: idempotency, every check, a cap slot. */
export function realisticEmailInput(clock: Clock, n: number): AcceptInput {
  const at = new Date(clock.now()).toISOString()
  const to = `user${n}@example.com`
  const message: MessageRecord = {
    id: `msg_${n.toString(36).padStart(8, '0')}`,
    sandbox: 'sb',
    channel: 'email',
    to,
    category: 'marketing',
    priority: 'normal',
    status: 'queued',
    createdAt: at,
    updatedAt: at,
    template: 'order-confirmation',
    content: {
      subject: `Your order #${n}`,
      html: `<h1>Thanks</h1><p>Order ${n} is confirmed.</p>`.repeat(4),
      text: `Thanks. Order ${n} is confirmed.`,
    },
    metadata: { journey: 'j-1', step: 3 },
    attempts: [],
    trace: [
      { at, step: 'idempotency', decision: 'new' },
      { at, step: 'render', decision: 'rendered', detail: { template: 'order-confirmation' } },
    ],
    seriesAttempts: 0,
    sandboxed: true,
  }
  return {
    message,
    idempotency: { key: `idem-${n}`, bodyHash: `hash-${n}`, ttlMs: 86_400_000 },
    acceptedBody: { id: message.id, status: 'queued' },
    checks: {
      suppression: [
        { type: 'email', value: to },
        { type: 'domain', value: 'example.com' },
      ],
      allowlist: { address: to, domain: 'example.com' },
      consent: { channel: 'email', address: to },
    },
    cap: {
      sandbox: 'sb',
      key: 'host:hooks.example.com',
      windows: [{ limit: 300_000, windowMs: 60_000 }],
      slow: { windows: [{ limit: 150_000, windowMs: 30_000 }], thresholdMs: 750 },
    },
    enqueue: { lane: 'slow', atMs: clock.now() },
  }
}
