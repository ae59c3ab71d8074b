import type { Store } from '../store/types.ts'

type Part = Exclude<keyof Store, 'kind' | 'accept' | 'ping' | 'close'>
const parts: readonly Part[] = [
  'messages',
  'idempotency',
  'queue',
  'suppression',
  'consents',
  'allowlist',
  'smsOptOuts',
  'limiter',
  'configs',
  'outbox',
  'stats',
] as const satisfies readonly Part[]

/**
 * A Store that forwards every call to the store of the request in progress. workerd ties each Redis socket
 * to the request that opened it, so the store changes per request; the app, its routes and the intake (which
 * capture `deps.store` once) are built once per isolate over this forwarder instead of once per request.
 */
export function requestScopedStore({ kind, current }: { kind: Store['kind']; current: () => Store }): Store {
  const forward = (part: Part) =>
    new Proxy(
      {},
      {
        get: (_target, method) => {
          const target = current()[part] as unknown as Record<string | symbol, unknown>
          const value = target[method]
          return typeof value === 'function' ? value.bind(target) : value
        },
      },
    )
  const forwarded = Object.fromEntries(parts.map((part) => [part, forward(part)])) as Pick<Store, Part>
  return {
    kind,
    ...forwarded,
    accept: (input) => current().accept(input),
    ping: () => current().ping(),
    close: () => current().close(),
  }
}
