import type { MessageRecord } from '../../domain/message.ts'
import { recipientKey, terminalStatuses } from '../../domain/message.ts'
import { applyChange } from '../apply-change.ts'
import type { MessageFilter, MessageRepository } from '../types.ts'
import { pageOf } from './paging.ts'
import { tableOf } from './table-of.ts'

export function matchesMessage(m: MessageRecord, f: MessageFilter): boolean {
  if (f.status && m.status !== f.status) return false
  if (f.channel && m.channel !== f.channel) return false
  if (f.to && recipientKey(m.to) !== f.to) return false
  if (f.since && m.createdAt < f.since) return false
  if (f.until && m.createdAt >= f.until) return false
  if (f.code && m.error?.code !== f.code) return false
  return true
}

/** Message records per sandbox; records are cloned in and out, as a serialising store would. */
export function memoryMessages({ now, retentionMs }: { now: () => number; retentionMs: number }): MessageRepository & {
  put(message: MessageRecord): void
  sweep(): void
} {
  const bySandbox = new Map<string, Map<string, MessageRecord>>()
  const finishedAt = new Map<string, number>()
  const table = (sandbox: string) => {
    return tableOf(bySandbox, sandbox, () => new Map())
  }
  const put = (message: MessageRecord) => {
    table(message.sandbox).set(message.id, structuredClone(message))
    if (terminalStatuses.has(message.status) || message.status === 'delivered') finishedAt.set(message.id, now())
    else finishedAt.delete(message.id)
  }
  return {
    put,
    sweep() {
      const cutoff = now() - retentionMs
      for (const t of bySandbox.values())
        for (const [id] of t) {
          const at = finishedAt.get(id)
          if (at !== undefined && at < cutoff) {
            t.delete(id)
            finishedAt.delete(id)
          }
        }
    },
    async get(sandbox, id) {
      const m = table(sandbox).get(id)
      return m ? structuredClone(m) : null
    },
    async list(sandbox, filter, page) {
      const items = [...table(sandbox).values()].filter((m) => matchesMessage(m, filter))
      const result = pageOf(items, page, (m) => `${m.createdAt}|${m.id}`)
      return { ...result, items: result.items.map((m) => structuredClone(m)) }
    },
    async update(sandbox, id, change) {
      const current = table(sandbox).get(id)
      if (!current) return { ok: false, message: null }
      if (change.expectStatus && !change.expectStatus.includes(current.status))
        return { ok: false, message: structuredClone(current) }
      const next = applyChange(current, structuredClone({ ...change, base: undefined }), new Date(now()).toISOString())
      put(next)
      return { ok: true, message: structuredClone(next) }
    },
    async insert(message) {
      put(message)
    },
  }
}
