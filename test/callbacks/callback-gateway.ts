import type { CallbackNotifierOptions } from '../../src/callbacks/callback-notifier.ts'
import { startTestGateway } from '../support/test-gateway.ts'

/** A test gateway whose status callbacks are tuned for tests (no config cache; options per test). */
export async function startCallbackGateway(
  env: Record<string, string> = {},
  {
    manual = false,
    notifier: options = {},
  }: { manual?: boolean; notifier?: Partial<Omit<CallbackNotifierOptions, 'store' | 'clock' | 'client'>> } = {},
) {
  const gw = await startTestGateway(env, { manual, callbacks: { configCacheMs: 0, ...options } })
  const { deps } = gw.gateway
  const notifier = gw.gateway.callbacks
  return {
    ...gw,
    notifier,
    /** The manual clock of a `manual` gateway. */
    advance(ms: number) {
      ;(deps.clock as unknown as { advance(ms: number): void }).advance(ms)
    },
    stop: () => gw.stop(),
  }
}

/** Polls `check` until it returns a value other than undefined/false, up to `ms` of real time. */
export async function eventually<T>(
  check: () => T | false | undefined | Promise<T | false | undefined>,
  ms = 10_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value as T
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

export const unique = (prefix: string) => `/${prefix}-${Math.random().toString(36).slice(2, 10)}`
