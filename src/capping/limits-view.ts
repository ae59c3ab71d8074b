/**
 * The limits view (SPEC section 12, `GET /v1/limits`): every active limit key of a sandbox with its use,
 * read with `peek` (nothing taken) using exactly the windows the pipeline takes with, so that reading
 * never reshapes a key's state.
 */
import type { SlidingWindowStore, Store, WindowLimit } from '../store/types.ts'
import { type ConfiguredActionLimits, hostCap } from './action-limits.ts'
import { loadDeployedConfigs } from './deployed-configs.ts'
import { throttleKey, throttleWindow } from './throttle-wait.ts'

export interface LimitItem {
  key: string
  kind: 'cap' | 'throttle' | 'pacing'
  limit: number
  windowMs: number
  used: number
  slow?: boolean
  queued?: number
}

/** Counting throttled messages stops here (the view stays cheap with a huge queue). */
const QUEUED_COUNT_MAX = 10_000

export interface LimitsViewOptions {
  store: Store
  /** Recent host keys come from here; without it only configs and pacing are listed. */
  limits?: Pick<ConfiguredActionLimits, 'deployed' | 'recentHosts'>
  defaultCap: WindowLimit
  slowCap: WindowLimit
  slowEndpointMs: number
  transactionalRate: number
}

async function used(limiter: SlidingWindowStore, sandbox: string, key: string, windows: WindowLimit[]) {
  const d = await limiter.peek({ sandbox, key, windows })
  return { limit: d.limit, windowMs: d.windowMs, used: d.count }
}

async function countThrottled(store: Store, sandbox: string): Promise<number> {
  let count = 0
  let cursor: string | undefined
  do {
    const page = await store.messages.list(
      sandbox,
      { status: 'throttled' },
      { limit: 1000, ...(cursor ? { cursor } : {}) },
    )
    count += page.items.length
    cursor = page.nextCursor ?? undefined
  } while (cursor && count < QUEUED_COUNT_MAX)
  return count
}

/** Builds the `items` of `GET /v1/limits` for one sandbox. */
export async function limitsView(sandbox: string, options: LimitsViewOptions): Promise<LimitItem[]> {
  const { store, limits, defaultCap, slowCap, slowEndpointMs, transactionalRate } = options
  const limiter = store.limiter
  const deployed = limits ? await limits.deployed(sandbox) : await loadDeployedConfigs(store.configs, sandbox)
  const items: LimitItem[] = []
  for (const e of deployed.endpoints) {
    const key = `config:${e.uid}`
    items.push({ key, kind: 'cap', ...(await used(limiter, sandbox, key, [e.rating])), slow: false })
  }
  for (const host of limits?.recentHosts(sandbox) ?? []) {
    const request = hostCap(sandbox, host, { defaultCap, slowCap, slowEndpointMs })
    const d = await limiter.peek(request)
    items.push({ key: request.key, kind: 'cap', limit: d.limit, windowMs: d.windowMs, used: d.count, slow: d.slow })
  }
  if (deployed.throttles.length > 0) {
    const queued = await countThrottled(store, sandbox)
    for (const t of deployed.throttles) {
      const key = throttleKey(t.uid)
      items.push({
        key,
        kind: 'throttle',
        ...(await used(limiter, sandbox, key, [throttleWindow(t.maxThroughput)])),
        queued,
      })
    }
  }
  if (transactionalRate > 0)
    items.push({
      key: 'pacing',
      kind: 'pacing',
      ...(await used(limiter, sandbox, 'pacing', [{ limit: transactionalRate, windowMs: 1000 }])),
    })
  return items
}
