import { noiseProbe } from './noise.ts'
import { log, median } from './report.ts'

export interface RoundResult {
  value: number
  [extra: string]: unknown
}

/**
 * Runs baseline A and subject B interleaved (A B B A …) for `rounds` pairs; a round in which other
 * processes took more than 20% of a core is repeated (up to 3 times). Returns the median B/A ratio.
 */
export async function interleaved({
  rounds = 5,
  baseline,
  subject,
  pids,
  higherIsBetter = true,
}: {
  rounds?: number
  baseline: () => Promise<RoundResult>
  subject: () => Promise<RoundResult>
  pids: () => number[]
  higherIsBetter?: boolean
}) {
  const guarded = async (label: string, fn: () => Promise<RoundResult>) => {
    for (let attempt = 1; ; attempt++) {
      const probe = noiseProbe(pids)
      const r = await fn()
      const noise = probe.otherCores()
      if (noise <= 0.2 || attempt >= 3) {
        log(`  ${label}: ${r.value.toFixed(2)}${noise > 0.2 ? ` (noisy: others used ${noise.toFixed(2)} cores)` : ''}`)
        return r
      }
      log(`  ${label}: repeated, others used ${noise.toFixed(2)} cores`)
    }
  }
  const ratios: number[] = []
  const a: RoundResult[] = []
  const b: RoundResult[] = []
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? ['A', 'B'] : ['B', 'A']
    let ra: RoundResult | undefined
    let rb: RoundResult | undefined
    for (const which of order) {
      if (which === 'A') ra = await guarded(`round ${i + 1} baseline`, baseline)
      else rb = await guarded(`round ${i + 1} subject `, subject)
    }
    a.push(ra!)
    b.push(rb!)
    ratios.push(higherIsBetter ? rb!.value / ra!.value : ra!.value / rb!.value)
  }
  return {
    ratio: median(ratios),
    ratios,
    baseline: a,
    subject: b,
    baselineMedian: median(a.map((r) => r.value)),
    subjectMedian: median(b.map((r) => r.value)),
  }
}
