import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { sleep } from '../../src/domain/clock.ts'
import { type OwnRedis, startRedis } from '../store/redis-harness.ts'
import { type Answer, callGateway } from './gateway-client.ts'
import { type GatewayProcess, startGatewayProcess } from './gateway-process.ts'

// Issue 4 / SPEC section 12: Redis goes away under load (a hang, then a crash and a restart); intake answers
// 503 STORE_UNAVAILABLE fast, /readyz 503, and every message acknowledged with a 202 ends `delivered`.

const REDIS_TIMEOUT_MS = 500
/** "within REDIS_TIMEOUT_MS", loosely: a loaded 2-core machine adds its own delays. */
const ANSWER_WITHIN_MS = 3000
const SENDERS = 4
/** AOF fsynced before each reply: what Redis acknowledged survives its SIGKILL. */
const durable = ['--appendonly', 'yes', '--appendfsync', 'always']

let dir: string
let redis: OwnRedis
let gateway: GatewayProcess

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sg-outage-'))
  redis = await startRedis({ extra: durable, dir })
  gateway = await startGatewayProcess({
    redisUrl: redis.url,
    env: { REDIS_TIMEOUT_MS: String(REDIS_TIMEOUT_MS), DISPATCH_LEASE_MS: '4000' },
  })
}, 60_000)

afterAll(async () => {
  await gateway?.kill('SIGKILL')
  redis?.process.kill('SIGCONT')
  await redis?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

interface Sent extends Answer {
  to: string
}

/** Sandbox emails sent continuously by a few loops until `stop()`. */
function loadGenerator(base: string) {
  const sent: Sent[] = []
  let running = true
  let n = 0
  const loop = async () => {
    while (running) {
      const to = `outage-${n++}@example.com`
      const a = await callGateway(base, 'POST', '/v1/messages', {
        channel: 'email',
        to,
        content: { subject: 'Outage', text: `message to ${to}` },
      })
      sent.push({ ...a, to })
      await sleep(5)
    }
  }
  const loops = Array.from({ length: SENDERS }, loop)
  return {
    sent,
    async stop() {
      running = false
      await Promise.all(loops)
    },
  }
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n${gateway.output()}`)
    await sleep(50)
  }
}

const readyStatus = async () => (await callGateway(gateway.url, 'GET', '/readyz')).status
const isOutage = (a: Answer) => a.status === 503 && a.json?.code === 'STORE_UNAVAILABLE'

/** Waits for an outage answer to a request started after `since`; returns when it came, after `since`. */
async function firstOutageAnswerAfter(sent: Sent[], since: number): Promise<number> {
  let at = 0
  await waitFor('503 STORE_UNAVAILABLE', () => {
    const hit = sent.find((a) => a.startedAt >= since && isOutage(a))
    if (hit) at = hit.startedAt + hit.ms - since
    return Boolean(hit)
  })
  return at
}

async function waitForRecovery(sent: Sent[], since: number): Promise<void> {
  await waitFor('/readyz 200', async () => (await readyStatus()) === 200)
  await waitFor('a 202 after recovery', () => sent.some((a) => a.startedAt >= since && a.status === 202))
}

/** Ids of the sandbox's messages in `status`, through the list route (paged). */
async function idsWithStatus(status: string): Promise<Set<string>> {
  const out = new Set<string>()
  let cursor: string | undefined
  do {
    const page = await callGateway(
      gateway.url,
      'GET',
      `/v1/messages?status=${status}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    )
    expect(page.status).toBe(200)
    for (const item of (page.json?.items ?? []) as { id: string }[]) out.add(item.id)
    cursor = (page.json?.nextCursor as string | null) ?? undefined
  } while (cursor)
  return out
}

it('answers 503 while Redis hangs or is down, and delivers everything it acknowledged', {
  timeout: 120_000,
}, async () => {
  const load = loadGenerator(gateway.url)
  try {
    await waitFor('202s before the outage', () => load.sent.filter((a) => a.status === 202).length >= 20)

    // 1. A hang (SIGSTOP): commands time out after REDIS_TIMEOUT_MS.
    const stoppedAt = Date.now()
    redis.process.kill('SIGSTOP')
    const hangAnswerMs = await firstOutageAnswerAfter(load.sent, stoppedAt)
    expect(hangAnswerMs).toBeLessThan(ANSWER_WITHIN_MS + REDIS_TIMEOUT_MS)
    const hungReady = await callGateway(gateway.url, 'GET', '/readyz')
    expect(hungReady.status).toBe(503)
    expect(hungReady.ms).toBeLessThan(ANSWER_WITHIN_MS)
    await sleep(1000)
    const continuedAt = Date.now()
    redis.process.kill('SIGCONT')
    await waitForRecovery(load.sent, continuedAt)
    await sleep(500)

    // 2. A crash (SIGKILL) and a restart on the same port and data directory.
    const killedAt = Date.now()
    await redis.stop()
    const downAnswerMs = await firstOutageAnswerAfter(load.sent, killedAt)
    expect(downAnswerMs).toBeLessThan(ANSWER_WITHIN_MS)
    const downReady = await callGateway(gateway.url, 'GET', '/readyz')
    expect(downReady.status).toBe(503)
    expect(downReady.ms).toBeLessThan(ANSWER_WITHIN_MS)
    await sleep(1000)
    const restartedAt = Date.now()
    redis = await startRedis({ port: redis.port, extra: durable, dir })
    await waitForRecovery(load.sent, restartedAt)
    await sleep(500)
  } finally {
    await load.stop()
  }

  // Every answer was a 202 or a fast 503 STORE_UNAVAILABLE: nothing hung, nothing else failed.
  const outcomes: Record<string, number> = {}
  for (const a of load.sent) {
    const k = `${a.status} ${a.json?.code ?? a.error ?? ''}`.trim()
    outcomes[k] = (outcomes[k] ?? 0) + 1
  }
  expect(Object.keys(outcomes).sort(), JSON.stringify(outcomes)).toEqual(['202', '503 STORE_UNAVAILABLE'])
  const slowest = Math.max(...load.sent.map((a) => a.ms))
  expect(slowest, 'slowest answer (ms)').toBeLessThan(ANSWER_WITHIN_MS)

  // Nothing acknowledged is lost: every 202 ends `delivered`, the ones from before the crash included.
  const acknowledged = new Set(load.sent.filter((a) => a.status === 202).map((a) => a.json?.id as string))
  let missing: string[] = [...acknowledged]
  const until = Date.now() + 60_000
  while (missing.length > 0 && Date.now() < until) {
    const delivered = await idsWithStatus('delivered')
    missing = missing.filter((id) => !delivered.has(id))
    if (missing.length > 0) await sleep(500)
  }
  const stuck = await Promise.all(
    missing.slice(0, 5).map(async (id) => (await callGateway(gateway.url, 'GET', `/v1/messages/${id}`)).json),
  )
  expect(missing.length, `acknowledged (${acknowledged.size}) but not delivered: ${JSON.stringify(stuck)}`).toBe(0)
})
