import type { ConsentStore } from '../types.ts'
import type { RedisContext } from './redis-context.ts'

/** Hash field of a consent: `channel|address` (channels hold no `|`). */
export const consentField = (channel: string, address: string) => `${channel}|${address}`

/** Marketing consent per sandbox; no record means consent (SPEC section 7). */
export function redisConsents({ client, keys, clock }: RedisContext): ConsentStore {
  return {
    async get(sandbox, channel, address) {
      const json = await client.hget(keys.consents(sandbox), consentField(channel, address))
      return json ? (JSON.parse(json) as { marketing: boolean; updatedAt?: string }) : { marketing: true }
    },
    async set(sandbox, channel, address, marketing) {
      const value = JSON.stringify({ marketing, updatedAt: new Date(clock.now()).toISOString() })
      await client.hset(keys.consents(sandbox), consentField(channel, address), value)
    },
  }
}
