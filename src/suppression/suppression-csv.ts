import {
  type SuppressionEntry,
  type SuppressionReason,
  type SuppressionType,
  suppressionReasons,
  suppressionTypes,
} from '../store/types.ts'
import { csvLine, parseCsv } from './rfc4180.ts'
import { invalidValueMessage, normalizeSuppressionValue } from './suppression-value.ts'

/** Columns of `GET /v1/suppressions/export`, in order. */
export const exportColumns = ['type', 'value', 'reason', 'comment', 'createdAt', 'expiresAt'] as const

/** A row that was not imported: its line in the file, the value as written and why. */
export interface ImportFailure {
  line: number
  value: string
  reason: string
}

export interface ParsedImport {
  entries: SuppressionEntry[]
  failed: ImportFailure[]
}

const MAX_COMMENT = 1000

const isType = (v: string): v is SuppressionType => (suppressionTypes as readonly string[]).includes(v)
const isReason = (v: string): v is SuppressionReason => (suppressionReasons as readonly string[]).includes(v)
const isHeader = (fields: string[]) =>
  fields[0]?.trim().toLowerCase() === 'type' && fields[1]?.trim().toLowerCase() === 'value'

/**
 * Reads an import file (`type,value,reason[,comment]`, optional header row, type and reason in any
 * case; an empty reason is `manual`). Each row is judged alone so that one bad row keeps the others.
 */
export function parseSuppressionCsv(
  text: string,
  { defaultRegion, source, createdAt }: { defaultRegion: string; source: string; createdAt: string },
): ParsedImport {
  const records = parseCsv(text)
  if (records[0] && isHeader(records[0].fields)) records.shift()
  const entries: SuppressionEntry[] = []
  const failed: ImportFailure[] = []
  for (const { line, fields } of records) {
    const [rawType = '', rawValue = '', rawReason = '', comment = '', ...extra] = fields
    const fail = (reason: string) => failed.push({ line, value: rawValue, reason })
    const type = rawType.trim().toLowerCase()
    const reason = rawReason.trim().toLowerCase() || 'manual'
    if (extra.some((f) => f.trim() !== '')) fail(`Too many columns: expected type,value,reason[,comment]`)
    else if (!isType(type)) fail(`Invalid type: ${rawType}`)
    else if (!isReason(reason)) fail(`Invalid reason: ${rawReason}`)
    else if (comment.length > MAX_COMMENT) fail(`Comment longer than ${MAX_COMMENT} characters`)
    else {
      const value = normalizeSuppressionValue(type, rawValue, defaultRegion)
      if (value === null) fail(invalidValueMessage(rawValue))
      else entries.push({ type, value, reason, source, createdAt, ...(comment ? { comment } : {}) })
    }
  }
  return { entries, failed }
}

/** One export row, columns as `exportColumns`. */
export function suppressionCsvLine(entry: SuppressionEntry): string {
  return csvLine([entry.type, entry.value, entry.reason, entry.comment, entry.createdAt, entry.expiresAt])
}
