import type { SmsOptOut, SmsOptOutStore } from '../types.ts'
import type { RedisContext } from './redis-context.ts'

/** Hash field of an opt-out: `sender|phone`. */
export const optOutField = (sender: string, phone: string) => `${sender}|${phone}`

/**
 * Deployment-wide SMS opt-outs (carriers enforce STOP per sending number): one hash keyed
 * `sender|phone` that intake reads, and one hash per phone for the read-only lookup, both under `{optout}`.
 */
export function redisSmsOptOuts({ client, keys, clock }: RedisContext): SmsOptOutStore {
  const check = (results: [Error | null, unknown][] | null) => {
    for (const [error] of results ?? []) if (error) throw error
  }
  return {
    async get(sender, phone) {
      const at = await client.hget(keys.optOuts, optOutField(sender, phone))
      return at ? { sender, phone, at } : null
    },
    async listForPhone(phone) {
      const all = await client.hgetall(keys.optOutsOfPhone(phone))
      return Object.entries(all).map(([sender, at]): SmsOptOut => ({ sender, phone, at }))
    },
    async add(sender, phone) {
      const at = new Date(clock.now()).toISOString()
      check(
        await client
          .multi()
          .hset(keys.optOuts, optOutField(sender, phone), at)
          .hset(keys.optOutsOfPhone(phone), sender, at)
          .exec(),
      )
    },
    async remove(sender, phone) {
      check(
        await client
          .multi()
          .hdel(keys.optOuts, optOutField(sender, phone))
          .hdel(keys.optOutsOfPhone(phone), sender)
          .exec(),
      )
    },
  }
}
