import { type Category, type Channel, channels } from '../domain/message.ts'

/** A template's `meta.json` (SPEC section 11): defaults for intake and the data a render needs. */
export interface TemplateMeta {
  channel?: Channel
  category?: Category
  description?: string
  /** Dotted paths that must be present in `data` before rendering. */
  requiredData?: string[]
}

const checks: Record<keyof TemplateMeta, (value: unknown) => string | undefined> = {
  channel: (value) => (channels.includes(value as Channel) ? undefined : `must be one of ${channels.join(', ')}`),
  category: (value) =>
    value === 'transactional' || value === 'marketing' ? undefined : 'must be "transactional" or "marketing"',
  description: (value) => (typeof value === 'string' ? undefined : 'must be a string'),
  requiredData: (value) =>
    Array.isArray(value) && value.every(isDottedPath) ? undefined : 'must be an array of dotted paths like "order.id"',
}

/**
 * Validates a `meta.json` at load time. An invalid file throws an Error naming its path and line, so a typo
 * in `requiredData` or `category` stops the gateway at start instead of silently changing behaviour.
 */
export function parseTemplateMeta({ source, path }: { source: string; path: string }): TemplateMeta {
  let value: unknown
  try {
    value = JSON.parse(source)
  } catch (error) {
    throw new Error(`Invalid ${path}:${jsonErrorLine(source, error)}: ${(error as Error).message}`, { cause: error })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`Invalid ${path}:1: must be a JSON object`)
  }
  for (const [key, field] of Object.entries(value)) {
    const check = Object.hasOwn(checks, key) ? checks[key as keyof TemplateMeta] : undefined
    const problem = check ? check(field) : `unknown field (allowed: ${Object.keys(checks).join(', ')})`
    if (problem) throw new Error(`Invalid ${path}:${keyLine(source, key)}: "${key}" ${problem}`)
  }
  return value as TemplateMeta
}

function isDottedPath(value: unknown): boolean {
  return typeof value === 'string' && value.split('.').every((part) => part.length > 0)
}

function lineAt(source: string, index: number): number {
  return source.slice(0, index).split('\n').length
}

function keyLine(source: string, key: string): number {
  const index = source.indexOf(JSON.stringify(key))
  return index < 0 ? 1 : lineAt(source, index)
}

/** V8 reports `at position N` for most JSON errors; "unexpected end" is at the end; otherwise line 1. */
function jsonErrorLine(source: string, error: unknown): number {
  const message = (error as Error).message
  const position = /at position (\d+)/.exec(message)?.[1]
  if (position) return lineAt(source, Number(position))
  if (/end of JSON input/.test(message)) return lineAt(source, source.length)
  return 1
}
