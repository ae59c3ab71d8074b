import { afterAll, beforeAll, expect, it } from 'vitest'
import { sleep } from '../../src/domain/clock.ts'
import { type OwnRedis, startRedis } from '../store/redis-harness.ts'
import { type CountingEndpoint, startCountingEndpoint } from './counting-endpoint.ts'
import { type Answer, callGateway, statusesOf } from './gateway-client.ts'
import { type GatewayProcess, startGatewayProcess } from './gateway-process.ts'

// Issue 4 crash test: a STORE=redis gateway accepting 1,000 custom actions is SIGKILLed mid-stream and
// restarted on the same Redis; everything that got a 202 is delivered at least once, duplicates only
// for calls in flight at the kill, each carrying the message id as Idempotency-Key.
// Needs DISPATCH_LEASE_MS (the dispatcher's queue lease, 60 s by default) so the dead process's items are
// claimable again within the test, and the dispatcher's resumption of messages abandoned while `sending`.

const TOTAL = 1000
const KILL_AFTER = 400
const SENDERS = 16
/** Queue lease of the children: an item held by the killed process is claimable again after it. */
const LEASE_MS = 4000
/** Action budget (SPEC section 5), below the lease so a live holder never loses its item. */
const BUDGET_MS = 3000
/** The endpoint answers this late, so that calls are in flight when the gateway dies. */
const ENDPOINT_DELAY_MS = 150

let redis: OwnRedis
let endpoint: CountingEndpoint
const gateways: GatewayProcess[] = []

beforeAll(async () => {
  redis = await startRedis()
  endpoint = await startCountingEndpoint({ delayMs: ENDPOINT_DELAY_MS })
})

afterAll(async () => {
  await Promise.allSettled(gateways.map((g) => g.kill('SIGKILL')))
  await endpoint?.close()
  await redis?.stop()
})

const gatewayEnv = {
  DISPATCH_LEASE_MS: String(LEASE_MS),
  // Not an outage test: a generous Redis timeout keeps a loaded machine from answering 503.
  REDIS_TIMEOUT_MS: '10000',
}

const request = (seq: number) => ({
  channel: 'action',
  to: `${endpoint.origin}/hook`,
  action: { method: 'POST', body: { seq }, timeoutMs: BUDGET_MS },
})

it('delivers every acknowledged message at least once across a SIGKILL and a restart', {
  timeout: 90_000,
}, async () => {
  const first = await startGatewayProcess({ redisUrl: redis.url, env: gatewayEnv })
  gateways.push(first)

  const ids = new Map<number, string>()
  const answers: Answer[] = []
  let killAt = 0
  let killing: Promise<void> | null = null

  /** Sends each seq (with Idempotency-Key `crash-<seq>`) until a kill stops the stream; returns the unsent/unanswered. */
  async function stream(base: string, seqs: number[], killer: boolean): Promise<number[]> {
    const left: number[] = []
    let next = 0
    const worker = async () => {
      while (next < seqs.length) {
        const seq = seqs[next++] as number
        if (killer && killAt) {
          left.push(seq)
          continue
        }
        const a = await callGateway(base, 'POST', '/v1/messages', request(seq), { 'idempotency-key': `crash-${seq}` })
        answers.push(a)
        if (a.status === 202 && typeof a.json?.id === 'string') ids.set(seq, a.json.id)
        else left.push(seq)
        if (killer && !killAt && ids.size >= KILL_AFTER) {
          killAt = Date.now()
          killing = first.kill('SIGKILL')
        }
      }
    }
    await Promise.all(Array.from({ length: SENDERS }, worker))
    return left
  }

  const all = Array.from({ length: TOTAL }, (_, i) => i)
  const unanswered = await stream(first.url, all, true)
  await killing
  expect(killAt, 'the kill happened mid-stream').toBeGreaterThan(0)
  const acceptedBeforeKill = ids.size
  expect(acceptedBeforeKill).toBeGreaterThanOrEqual(KILL_AFTER)
  expect(acceptedBeforeKill).toBeLessThan(TOTAL)
  // Every answer the first process gave was a 202 or nothing at all (the connection died with it).
  for (const a of answers) expect([202, 0]).toContain(a.status)

  const restartAt = Date.now()
  const second = await startGatewayProcess({ redisUrl: redis.url, env: gatewayEnv })
  gateways.push(second)
  // The same Idempotency-Key replays what the dead process may already have accepted: one message per seq.
  const stillLeft = await stream(
    second.url,
    unanswered.sort((a, b) => a - b),
    false,
  )
  expect(stillLeft).toEqual([])
  expect(ids.size).toBe(TOTAL)
  const idSet = new Set(ids.values())
  expect(idSet.size, 'one message per seq').toBe(TOTAL)

  // Wait until the endpoint has seen every acknowledged id (leases of the dead process must run out first).
  const deadline = Date.now() + 45_000
  const missing = () => [...idSet].filter((id) => !endpoint.byKey().has(id))
  while (missing().length > 0 && Date.now() < deadline) await sleep(250)
  expect(missing().length, `acknowledged but never delivered, e.g. ${missing().slice(0, 3)}`).toBe(0)

  // Every call carries the id of the message of its body's seq as Idempotency-Key.
  for (const call of endpoint.calls) {
    const seq = (call.body as { seq?: number } | null)?.seq
    expect(typeof seq).toBe('number')
    expect(call.key).toBe(ids.get(seq as number))
  }

  // A duplicate is a message the dead process was sending at the kill: its first call came from that
  // process shortly before the kill, the repeat from the restarted one, and it is repeated once at most.
  const duplicates = [...endpoint.byKey()].filter(([, calls]) => calls.length > 1)
  for (const [, calls] of duplicates) {
    const [firstCall, ...repeats] = calls
    expect(calls.length).toBe(2)
    expect(firstCall?.at).toBeLessThanOrEqual(restartAt)
    expect(firstCall?.at).toBeGreaterThanOrEqual(killAt - BUDGET_MS - 1000)
    for (const r of repeats) expect(r.at).toBeGreaterThanOrEqual(restartAt)
  }

  // Every message ends `sent` (an action's final success) in the shared store.
  const settleBy = Date.now() + 15_000
  let notSent: string[] = [...idSet]
  while (notSent.length > 0 && Date.now() < settleBy) {
    const seen = await statusesOf(second.url, notSent)
    notSent = notSent.filter((id) => seen.get(id)?.status !== 'sent')
    if (notSent.length > 0) await sleep(500)
  }
  expect(notSent.length, `messages not ending \`sent\`, e.g. ${notSent.slice(0, 3)}`).toBe(0)
  // Duplicates are rare: at most the calls the dead process had in flight (its dispatch concurrency is 64).
  expect(duplicates.length).toBeLessThanOrEqual(64)
})
