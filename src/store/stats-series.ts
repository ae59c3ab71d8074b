import type { StatsBucket } from './types.ts'

/** Sums 1 s traffic buckets (`counts`: bucket start → status → n) into `stepMs` buckets over [since, until). */
export function statsSeries(
  counts: (bucketMs: number) => Record<string, number> | undefined,
  {
    sinceMs,
    untilMs,
    stepMs,
    bucketMs = 1000,
  }: { sinceMs: number; untilMs: number; stepMs: number; bucketMs?: number },
): StatsBucket[] {
  const out: StatsBucket[] = []
  for (let at = Math.floor(sinceMs / stepMs) * stepMs; at < untilMs; at += stepMs) {
    const byStatus: Record<string, number> = {}
    for (let b = at; b < at + stepMs; b += bucketMs)
      for (const [k, v] of Object.entries(counts(b) ?? {})) byStatus[k] = (byStatus[k] ?? 0) + v
    out.push({ at: new Date(at).toISOString(), byStatus })
  }
  return out
}
