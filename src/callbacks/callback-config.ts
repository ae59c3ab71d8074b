/**
 * The sandbox default for status callbacks (`GET|PUT /v1/callbacks`, SPEC section 12), kept as the
 * `callbacks` config document `default`, so it is shared by every process like the other configs.
 */
import { type MessageStatus, statuses } from '../domain/message.ts'
import type { ConfigStore } from '../store/types.ts'

export const callbackConfigUid = 'default'

/** Where a sandbox's messages without their own `callbackUrl` report, and which statuses (all when unset). */
export interface CallbackConfig {
  url: string
  events?: MessageStatus[]
}

/** The stored default, or null; a document of another shape counts as none. */
export async function readCallbackConfig(configs: ConfigStore, sandbox: string): Promise<CallbackConfig | null> {
  const doc = await configs.get(sandbox, 'callbacks', callbackConfigUid)
  if (!doc || typeof doc.url !== 'string') return null
  const events = Array.isArray(doc.events)
    ? doc.events.filter((s): s is MessageStatus => (statuses as readonly unknown[]).includes(s))
    : undefined
  return { url: doc.url, ...(events ? { events } : {}) }
}

export async function writeCallbackConfig(
  configs: ConfigStore,
  sandbox: string,
  config: CallbackConfig,
): Promise<void> {
  await configs.put(sandbox, 'callbacks', { uid: callbackConfigUid, ...config })
}
