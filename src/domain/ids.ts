import { randomBytes } from 'node:crypto'

/** Message ids: time-ordered prefix (sortable, useful in logs) plus 80 random bits. */
export function newMessageId(nowMs: number): string {
  return `msg_${nowMs.toString(36).padStart(9, '0')}${randomBytes(10).toString('hex')}`
}

export function newUid(): string {
  return randomBytes(16)
    .toString('hex')
    .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5')
}
