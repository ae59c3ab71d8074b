import type { MessageRecord } from '../../domain/message.ts'

/**
 * A message record as a Redis hash of JSON-encoded top-level fields: scripts can compare the status,
 * replace fields and append to `trace`/`attempts` without decoding the record (cjson would turn empty
 * arrays into objects and round large numbers).
 */
export function recordFields(message: MessageRecord): string[] {
  const out: string[] = []
  for (const [name, value] of Object.entries(message)) if (value !== undefined) out.push(name, JSON.stringify(value))
  return out
}

/** The record back from HGETALL (an object from ioredis, a flat array from a script); null when absent. */
export function recordFrom(hash: Record<string, string> | string[] | null | undefined): MessageRecord | null {
  if (!hash) return null
  const entries: [string, string][] = []
  if (Array.isArray(hash))
    for (let i = 0; i + 1 < hash.length; i += 2) entries.push([hash[i] as string, hash[i + 1] as string])
  else entries.push(...Object.entries(hash))
  if (entries.length === 0) return null
  return Object.fromEntries(entries.map(([k, v]) => [k, JSON.parse(v)])) as MessageRecord
}

/** Index member of a record: ISO createdAt then id, so lexicographic order is time order. */
export const indexMember = (m: Pick<MessageRecord, 'createdAt' | 'id'>) => `${m.createdAt}|${m.id}`
