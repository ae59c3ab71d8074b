import type { IdempotencyRecord, IdempotencyStore } from '../types.ts'
import type { RedisContext } from './redis-context.ts'

const recordOf = (reply: unknown): IdempotencyRecord | null => {
  if (!Array.isArray(reply)) return null
  const [bodyHash, response] = reply as [string, string]
  return { bodyHash, response: JSON.parse(response) }
}

/** Idempotency records whose expiry is judged on script time, so a test clock can pass 24 h. */
export function redisIdempotency({ keys, run, offset }: RedisContext): IdempotencyStore {
  return {
    async get(sandbox, key) {
      return recordOf(await run('get-idempotency', [keys.idempotency(sandbox, key)], [offset()]))
    },
    async complete(sandbox, key, response) {
      await run('complete-idempotency', [keys.idempotency(sandbox, key)], [offset(), JSON.stringify(response)])
    },
    async claim(sandbox, key, record, ttlMs) {
      return recordOf(
        await run(
          'claim-idempotency',
          [keys.idempotency(sandbox, key)],
          [offset(), record.bodyHash, JSON.stringify(record.response), Math.max(1, Math.round(ttlMs))],
        ),
      )
    },
  }
}
