import type { SuppressionFilter, SuppressionStore } from '../store/types.ts'
import { csvLine } from './rfc4180.ts'
import { exportColumns, suppressionCsvLine } from './suppression-csv.ts'

/**
 * The suppression list as a CSV stream: one store page per pull, so memory and the time to the first
 * byte stay small whatever the list's size, and a slow reader slows the paging instead of buffering it.
 */
export function suppressionCsvStream({
  store,
  sandbox,
  filter = {},
  pageSize = 1000,
}: {
  store: SuppressionStore
  sandbox: string
  filter?: SuppressionFilter
  pageSize?: number
}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  let cursor: string | undefined
  let started = false
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true
        controller.enqueue(encoder.encode(csvLine(exportColumns)))
      }
      const page = await store.list(sandbox, filter, { limit: pageSize, ...(cursor !== undefined ? { cursor } : {}) })
      if (page.items.length > 0) controller.enqueue(encoder.encode(page.items.map(suppressionCsvLine).join('')))
      if (page.nextCursor === null) controller.close()
      else cursor = page.nextCursor
    },
  })
}
