import twilio from 'twilio'
import { Pool } from 'undici'
import { TwilioHttpClient } from '../adapters/sms/twilio/twilio-http-client.ts'
import { type FakeTwilio, startFakeTwilio } from '../test/fakes/twilio-server.ts'
import { startGatewayProcess } from './lib/gateway-process.ts'
import { headers } from './lib/load.ts'
import { BENCH_REDIS_URL, flushBenchDb } from './lib/redis-db.ts'
import { log, report } from './lib/report.ts'
import { interleaved } from './lib/rounds.ts'

const MESSAGES = 1_000
const CONCURRENCY = 50
const FROM = '+15550000001'
const PUBLIC_URL = 'http://127.0.0.1:9999'
const BODY = 'Your order A-1042 has shipped. Reply STOP to opt out.'

let n = 0
/** A fresh, valid, non-magic recipient for every message. */
const nextPhone = () => `+1555${String(1_000_000 + (n++ % 9_000_000)).padStart(7, '0')}`

/** Runs `work(i)` for i in 0..total-1 with at most `concurrency` in flight. */
async function pooled(total: number, concurrency: number, work: (i: number) => Promise<void>) {
  let next = 0
  const lane = async () => {
    while (next < total) await work(next++)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane))
}

/**
 * Which `To` numbers the fake has received, and how many requests repeated one: rounds are counted by
 * their own recipients, so a late or duplicate send of an earlier round never counts in a later one.
 */
function recipientsSeen(fake: FakeTwilio) {
  const seen = new Set<string>()
  let scanned = 0
  let duplicates = 0
  const scan = () => {
    const all = fake.requests
    for (; scanned < all.length; scanned++) {
      const r = all[scanned]
      if (!r?.authorized) continue
      const to = r.form.get('To') ?? ''
      if (seen.has(to)) duplicates++
      else seen.add(to)
    }
  }
  return {
    /** How many of `wanted` have arrived. */
    count(wanted: string[]) {
      scan()
      return wanted.reduce((sum, to) => (seen.has(to) ? sum + 1 : sum), 0)
    },
    duplicates() {
      scan()
      return duplicates
    },
  }
}

/** Polls until all of `wanted` reached the fake (or 120 s pass); returns how many did. */
async function waitFor(arrivals: ReturnType<typeof recipientsSeen>, wanted: string[]) {
  const until = Date.now() + 120_000
  while (arrivals.count(wanted) < wanted.length && Date.now() < until) await new Promise((r) => setTimeout(r, 5))
  return arrivals.count(wanted)
}

/**
 * `sms`: 1,000 SMS through the gateway (Redis store, Twilio adapter) to a local fake of Twilio, counted
 * from the first POST until the fake has them all, vs the same 1,000 sent with raw `twilio` SDK calls.
 */
export async function benchSms() {
  const fake = await startFakeTwilio()
  await flushBenchDb()
  const gw = await startGatewayProcess({
    env: {
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: fake.accountSid,
      TWILIO_AUTH_TOKEN: fake.authToken,
      TWILIO_FROM: FROM,
      TWILIO_API_BASE: fake.url,
      PUBLIC_URL,
      STORE: 'redis',
      REDIS_URL: BENCH_REDIS_URL,
      TRANSACTIONAL_RATE: '0',
    },
  }).catch(async (error) => {
    await fake.close()
    throw error
  })
  const pool = new Pool(gw.url, { connections: CONCURRENCY, pipelining: 1 })
  const httpClient = new TwilioHttpClient({ apiBase: fake.url })
  const client = twilio(fake.accountSid, fake.authToken, { httpClient })
  const arrivals = recipientsSeen(fake)
  log(`sms: gateway ${gw.url}, fake Twilio ${fake.url}; ${MESSAGES} SMS per round, ${CONCURRENCY} concurrent`)

  try {
    const raw = async () => {
      const wanted = Array.from({ length: MESSAGES }, nextPhone)
      let failed = 0
      const started = performance.now()
      await pooled(MESSAGES, CONCURRENCY, async (i) => {
        await client.messages
          .create({
            to: wanted[i] ?? '',
            from: FROM,
            body: BODY,
            statusCallback: `${PUBLIC_URL}/v1/webhooks/twilio/status`,
          })
          .catch(() => {
            failed++
          })
      })
      const seconds = (performance.now() - started) / 1000
      const received = arrivals.count(wanted)
      return { value: received / seconds, seconds, received, failed }
    }

    const gateway = async () => {
      const wanted = Array.from({ length: MESSAGES }, nextPhone)
      const statuses: Record<number, number> = {}
      let errors = 0
      const duplicatesBefore = arrivals.duplicates()
      const started = performance.now()
      const posted = await pooled(MESSAGES, CONCURRENCY, async (i) => {
        const body = JSON.stringify({ channel: 'sms', to: wanted[i], content: { body: BODY } })
        await pool
          .request({ method: 'POST', path: '/v1/messages', headers, body })
          .then(async (res) => {
            await res.body.dump()
            statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1
          })
          .catch(() => {
            errors++
          })
      }).then(() => (performance.now() - started) / 1000)
      const received = await waitFor(arrivals, wanted)
      const seconds = (performance.now() - started) / 1000
      const duplicates = arrivals.duplicates() - duplicatesBefore
      return { value: received / seconds, seconds, postSeconds: posted, received, statuses, errors, duplicates }
    }

    // One unmeasured warm-up of each path (JIT, connections, SDK modules).
    await raw()
    await gateway()

    const r = await interleaved({ rounds: 5, pids: () => [process.pid, gw.pid], baseline: raw, subject: gateway })
    log(`sms: raw SDK ${r.baselineMedian.toFixed(0)} msg/s, gateway ${r.subjectMedian.toFixed(0)} msg/s`)
    report({
      name: 'sms',
      figure: 'ratio',
      value: r.ratio,
      target: '>=0.80',
      pass: r.ratio >= 0.8,
      details: {
        rawPerSecond: r.baselineMedian,
        gatewayPerSecond: r.subjectMedian,
        ratios: r.ratios,
        duplicateSends: arrivals.duplicates(),
        messagesPerRound: MESSAGES,
        concurrency: CONCURRENCY,
        baseline: r.baseline,
        subject: r.subject,
        store: 'redis',
        transactionalRate: 0,
      },
    })
  } finally {
    await pool.close()
    await gw.stop()
    await fake.close()
    await flushBenchDb()
  }
}
