/**
 * Raw `fcm`/`apns` overrides (SPEC section 8) are the caller's escape hatch for provider fields the
 * gateway does not model: they are merged over what the adapter built, objects key by key, anything
 * else (strings, numbers, arrays) replacing the built value.
 */
export function deepMerge(
  base: Record<string, unknown>,
  override: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (!override) return base
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(override)) {
    if (key === '__proto__') continue
    const current = out[key]
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value
  }
  return out
}

/** Drops `undefined` fields so the provider body carries only what was set. */
export function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
