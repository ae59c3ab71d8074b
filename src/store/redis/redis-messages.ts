import type { MessageRecord } from '../../domain/message.ts'
import { applyChange } from '../apply-change.ts'
import { matchesMessage } from '../memory/memory-messages.ts'
import type { MessageRepository } from '../types.ts'
import { indexMember, recordFields, recordFrom } from './message-fields.ts'
import type { RedisContext } from './redis-context.ts'

const MAX_BATCH = 500

/**
 * Message records as hashes plus one createdAt index per sandbox. Listing walks the index newest first
 * from the cursor (`createdAt|id`, the memory store's cursor) and filters the records it reads.
 */
export function redisMessages({ client, keys, run, offset, retentionMs }: RedisContext): MessageRepository {
  return {
    async get(sandbox, id) {
      return recordFrom(await client.hgetall(keys.message(sandbox, id)))
    },
    async list(sandbox, filter, page) {
      const index = keys.messageIndex(sandbox)
      let upper = page.cursor
      if (filter.until !== undefined && (upper === undefined || filter.until < upper)) upper = filter.until
      let max = upper === undefined ? '+' : `(${upper}`
      const min = filter.since === undefined ? '-' : `[${filter.since}`
      const batch = Math.min(Math.max(page.limit + 1, 50), MAX_BATCH)
      const found: MessageRecord[] = []
      for (;;) {
        const members = await client.zrevrangebylex(index, max, min, 'LIMIT', 0, batch)
        if (members.length === 0) break
        const pipeline = client.pipeline()
        for (const member of members) pipeline.hgetall(keys.message(sandbox, member.slice(member.indexOf('|') + 1)))
        const rows = (await pipeline.exec()) ?? []
        const gone: string[] = []
        rows.forEach(([error, hash], i) => {
          if (error) throw error
          const record = recordFrom(hash as Record<string, string>)
          if (!record) gone.push(members[i] as string)
          else if (found.length <= page.limit && matchesMessage(record, filter)) found.push(record)
        })
        // Records past MESSAGE_RETENTION expired on their own: drop their index entries as we pass.
        if (gone.length > 0) await client.zrem(index, ...gone)
        if (found.length > page.limit || members.length < batch) break
        max = `(${members.at(-1)}`
      }
      const items = found.slice(0, page.limit)
      const last = items.at(-1)
      return { items, nextCursor: found.length > page.limit && last ? indexMember(last) : null }
    },
    async update(sandbox, id, change) {
      const set = change.set ? recordFields(change.set as MessageRecord) : []
      const trace = change.trace?.length ? JSON.stringify(change.trace).slice(1, -1) : ''
      const reply = (await run(
        'update-message',
        [keys.message(sandbox, id)],
        [
          offset(),
          retentionMs,
          // An empty expectStatus matches nothing, as in the memory store.
          change.expectStatus ? change.expectStatus.map((s) => JSON.stringify(s)).join('\n') || '-' : '',
          (change.unset ?? []).join('\n'),
          trace,
          change.attempt ? JSON.stringify(change.attempt) : '',
          change.base ? '1' : '',
          ...set,
        ],
      )) as [number, (string[] | string)?]
      if (reply[0] === 1 && change.base && typeof reply[1] === 'string')
        return { ok: true, message: applyChange(change.base, change, JSON.parse(reply[1]) as string) }
      const message = recordFrom(reply[1] as string[] | undefined)
      return reply[0] === 1 && message ? { ok: true, message } : { ok: false, message }
    },
    async insert(message) {
      await run(
        'insert-message',
        [keys.message(message.sandbox, message.id), keys.messageIndex(message.sandbox)],
        [retentionMs, indexMember(message), ...recordFields(message)],
      )
    },
  }
}
