import type { MessageRecord } from '../domain/message.ts'
import type { MessageChange } from './types.ts'

/** A record with one change applied, as the store applies it (set, unset, trace and attempt appended). */
export function applyChange(base: MessageRecord, change: MessageChange, updatedAt: string): MessageRecord {
  const next: MessageRecord = { ...base, ...(change.set ?? {}) }
  for (const field of change.unset ?? []) delete next[field]
  if (change.trace?.length) next.trace = [...base.trace, ...change.trace]
  if (change.attempt) next.attempts = [...base.attempts, change.attempt]
  next.updatedAt = updatedAt
  return next
}
