import { Redis } from 'ioredis'

export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/15'

/** Empties the benchmarks' own Redis database (15 unless BENCH_REDIS_URL says otherwise). */
export async function flushBenchDb(url = BENCH_REDIS_URL): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true })
  await redis.connect()
  await redis.flushdb()
  await redis.quit()
}
