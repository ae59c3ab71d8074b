import type { Clock } from '../../domain/clock.ts'
import type { RedisKeys } from './redis-keys.ts'
import type { RedisClient, ScriptRunner } from './redis-scripts.ts'

/** What every part of the Redis store shares: the client, key names, scripts and the time offset. */
export interface RedisContext {
  client: RedisClient
  keys: RedisKeys
  run: ScriptRunner
  /** ms added to Redis TIME in scripts: the injected clock's offset under NODE_ENV=test, else 0. */
  offset: () => number
  cluster: boolean
  retentionMs: number
  clock: Clock
}
