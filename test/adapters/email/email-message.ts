import { randomUUID } from 'node:crypto'
import type { MessageRecord } from '../../../src/domain/message.ts'

/** A stored email message as the dispatcher hands it to the adapter. */
export function emailMessage(overrides: Partial<MessageRecord> = {}): MessageRecord {
  const now = new Date().toISOString()
  return {
    id: `msg_${randomUUID().replaceAll('-', '')}`,
    sandbox: 'sb',
    channel: 'email',
    to: 'ana@example.org',
    category: 'transactional',
    priority: 'normal',
    status: 'sending',
    createdAt: now,
    updatedAt: now,
    content: { subject: 'Hello', html: '<p>Hello</p>', text: 'Hello' },
    attempts: [],
    trace: [],
    seriesAttempts: 1,
    sandboxed: false,
    ...overrides,
  }
}

export const attempt = (n = 1) => ({ attempt: n, timeoutMs: 30_000 })
