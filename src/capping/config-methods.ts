/** HTTP methods a config may name (AJO's list); custom actions themselves use POST, PUT and GET. */
export const configMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const

/**
 * Reads a config's `methods`: 'missing' when absent or empty, 'invalid' when not a list of known methods,
 * else the upper-cased, de-duplicated list.
 */
export function parseMethods(raw: unknown): string[] | 'missing' | 'invalid' {
  if (raw === undefined || raw === null) return 'missing'
  if (!Array.isArray(raw)) return 'invalid'
  if (raw.length === 0) return 'missing'
  const out: string[] = []
  for (const m of raw) {
    if (typeof m !== 'string') return 'invalid'
    const upper = m.trim().toUpperCase()
    if (!(configMethods as readonly string[]).includes(upper)) return 'invalid'
    if (!out.includes(upper)) out.push(upper)
  }
  return out
}

/** Whether a plain JSON object (not an array, not null). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
