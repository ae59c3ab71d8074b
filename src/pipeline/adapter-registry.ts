import type { ChannelAdapter } from '../../adapters/types.ts'
import type { MessageRecord, PushTarget } from '../domain/message.ts'

/** Adapter keys: a channel, or `push:fcm` / `push:apns`. A new channel is one line in server.ts. */
export type AdapterKey = 'email' | 'sms' | 'mms' | 'push:fcm' | 'push:apns' | 'action' | 'campaign'

/** Picks the adapter for a message: the sandbox adapter for sandboxed messages, else the channel's own. */
export function createAdapterRegistry({
  sandbox,
  adapters,
}: {
  sandbox: ChannelAdapter
  adapters: Partial<Record<AdapterKey, ChannelAdapter>>
}) {
  function keyOf(message: MessageRecord): AdapterKey {
    if (message.channel === 'push') return `push:${(message.to as PushTarget).platform}`
    return message.channel
  }
  return {
    adapterFor(message: MessageRecord): ChannelAdapter {
      if (message.sandboxed && message.channel !== 'action') return sandbox
      const adapter = adapters[keyOf(message)]
      if (!adapter) throw new Error(`No adapter configured for ${keyOf(message)}`)
      return adapter
    },
    all(): ChannelAdapter[] {
      return [sandbox, ...Object.values(adapters)].filter((a, i, list) => list.indexOf(a) === i)
    },
  }
}

export type AdapterRegistry = ReturnType<typeof createAdapterRegistry>
