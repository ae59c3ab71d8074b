import type { MessageRecord, PushContent } from '../../../src/domain/message.ts'

/** A push record as the dispatcher hands it to an adapter. */
export function pushMessage(token: string, push: PushContent, platform: 'fcm' | 'apns' = 'fcm'): MessageRecord {
  const at = new Date().toISOString()
  return {
    id: `msg_${token}`,
    sandbox: 'sb',
    channel: 'push',
    to: { token, platform },
    category: 'transactional',
    priority: 'normal',
    status: 'sending',
    createdAt: at,
    updatedAt: at,
    content: { push },
    attempts: [],
    trace: [],
    seriesAttempts: 1,
    sandboxed: false,
  }
}

export const context = { attempt: 1, timeoutMs: 10_000 }
