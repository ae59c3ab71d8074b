/**
 * Does a large suppression list slow intake? Times N intake store steps (`store.accept` of a message to an
 * address that is not suppressed) on an empty list, imports 100,000 entries, times them again and prints
 * the ratio, which should stay near 1: the check is a keyed lookup, not a scan. An empty control sandbox
 * is timed in alternating rounds and the ratio is taken against it, so that load from elsewhere on the
 * machine cancels out (`raw` is the plain after/before).
 *
 *   node --import tsx bench/suppression-check.ts [N=20000]
 *   STORE=redis REDIS_URL=redis://127.0.0.1:6379/15 node --import tsx bench/suppression-check.ts
 *
 * With STORE=redis the memory store is measured first, then Redis. The Redis run writes to a fresh
 * `bench-*` sandbox, removes its entries and queue items afterwards and leaves its message records to
 * expire with MESSAGE_RETENTION: point it at a scratch database.
 */
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { loadConfig } from '../src/config/load-config.ts'
import { newMessageId } from '../src/domain/ids.ts'
import type { MessageRecord } from '../src/domain/message.ts'
import { createLogger } from '../src/observability/logger.ts'
import { buildGateway } from '../src/server.ts'
import type { AcceptInput, Store, SuppressionEntry } from '../src/store/types.ts'

const ENTRIES = 100_000
const CHUNK = 1000
const ROUNDS = 5
const WARMUP = 2000
const FAR_FUTURE_MS = 10 * 365 * 86_400_000

const out = (line: string) => process.stdout.write(`${line}\n`)

/** The store step intake makes for a transactional email to a clean address: suppression, allowlist, enqueue. */
function acceptInput(sandbox: string, n: number, nowMs: number): AcceptInput {
  const to = `reader${n}@clean.example`
  const at = new Date(nowMs).toISOString()
  const message: MessageRecord = {
    id: newMessageId(nowMs),
    sandbox,
    channel: 'email',
    to,
    category: 'transactional',
    priority: 'normal',
    status: 'queued',
    createdAt: at,
    updatedAt: at,
    content: { subject: 'Bench', text: 'Bench' },
    attempts: [],
    trace: [{ at, step: 'validate', decision: 'accepted' }],
    seriesAttempts: 0,
    sandboxed: true,
  }
  return {
    message,
    acceptedBody: { id: message.id, status: 'queued' },
    checks: {
      suppression: [
        { type: 'email', value: to },
        { type: 'domain', value: 'clean.example' },
      ],
      allowlist: { address: to, domain: 'clean.example' },
    },
    // Far in the future so that no dispatcher sharing the store picks the item up; acked after each round.
    enqueue: { lane: 'fast', atMs: nowMs + FAR_FUTURE_MS },
  }
}

/** Microseconds per accept over `count` sequential calls (each one awaited: the latency a request sees). */
async function timeAccepts(store: Store, sandbox: string, count: number, offset: number): Promise<number> {
  const inputs = Array.from({ length: count }, (_, i) => acceptInput(sandbox, offset + i, Date.now()))
  const start = performance.now()
  for (const input of inputs) {
    const result = await store.accept(input)
    if (result.outcome !== 'accepted') throw new Error(`expected accepted, got ${result.outcome}`)
  }
  const elapsed = performance.now() - start
  for (const input of inputs) await store.queue.ack({ sandbox, id: input.message.id, lane: 'fast' })
  return (elapsed * 1000) / count
}

/**
 * Medians of alternating rounds on two sandboxes, so that a machine getting busier or quieter meanwhile
 * moves both numbers alike.
 */
async function interleaved(
  rounds: number,
  run: (sandbox: string, round: number) => Promise<number>,
  a: string,
  b: string,
) {
  const times: [number[], number[]] = [[], []]
  for (let r = 0; r < rounds; r++) {
    times[0].push(await run(a, r))
    times[1].push(await run(b, r))
  }
  const median = (values: number[]) => values.sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? Number.NaN
  return [median(times[0]), median(times[1])] as const
}

/** 100,000 entries of every type, none of them matching the timed messages. */
function entries(createdAt: string): SuppressionEntry[] {
  return Array.from({ length: ENTRIES }, (_, i): SuppressionEntry => {
    const base = { reason: i % 3 ? 'hard_bounce' : 'manual', source: 'bench', createdAt } as const
    switch (i % 4) {
      case 0:
        return { ...base, type: 'domain', value: `blocked${i}.example` }
      case 1:
        return { ...base, type: 'phone', value: `+1415${String(1_000_000 + i).slice(-7)}` }
      default:
        return { ...base, type: 'email', value: `gone${i}@bounced.example` }
    }
  })
}

async function benchStore(kind: 'memory' | 'redis', n: number): Promise<void> {
  const config = loadConfig({ ...process.env, STORE: kind, LOG_LEVEL: 'silent' })
  const gateway = await buildGateway(config, { logger: createLogger({ level: 'silent' }) })
  const store = gateway.deps.store
  const run = randomUUID()
  // `listed` receives the 100,000 entries; `control` stays empty and is timed in the same rounds.
  const listed = `bench-${run}-listed`
  const control = `bench-${run}-control`
  const perRound = Math.max(1, Math.round(n / ROUNDS))
  let offset = 0
  const time = (sandbox: string) => {
    offset += perRound
    return timeAccepts(store, sandbox, perRound, offset)
  }
  try {
    await timeAccepts(store, listed, WARMUP, -WARMUP)
    await timeAccepts(store, control, WARMUP, -2 * WARMUP)
    const [before, beforeControl] = await interleaved(ROUNDS, time, listed, control)

    const importStart = performance.now()
    const list = entries(new Date().toISOString())
    for (let i = 0; i < list.length; i += CHUNK) await store.suppression.add(listed, list.slice(i, i + CHUNK))
    const importMs = performance.now() - importStart

    const [after, afterControl] = await interleaved(ROUNDS, time, listed, control)
    const ratio = after / afterControl / (before / beforeControl)
    out(
      `${kind.padEnd(6)} ${perRound} accepts x${ROUNDS} rounds: before ${before.toFixed(1)} µs/op, ` +
        `after ${ENTRIES.toLocaleString('en')} entries ${after.toFixed(1)} µs/op ` +
        `(empty control ${beforeControl.toFixed(1)} -> ${afterControl.toFixed(1)}); ` +
        `ratio ${ratio.toFixed(2)}, raw ${(after / before).toFixed(2)}; import ${Math.round(importMs)} ms`,
    )
  } finally {
    await store.suppression.bulkDelete(listed, { since: '1970-01-01T00:00:00.000Z' }, false).catch(() => 0)
    await gateway.stop()
  }
}

const n = Number(process.argv[2] ?? 20_000)
if (!Number.isInteger(n) || n < 1) throw new Error('usage: suppression-check.ts [N]')
await benchStore('memory', n)
if (process.env.STORE === 'redis') await benchStore('redis', n)
