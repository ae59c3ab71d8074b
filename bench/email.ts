import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import nodemailer from 'nodemailer'
import { Pool } from 'undici'
import { type FakeSmtpServer, startFakeSmtpServer } from '../test/fakes/smtp-server.ts'
import { startGatewayProcess } from './lib/gateway-process.ts'
import { headers } from './lib/load.ts'
import { startRedisServer } from './lib/redis-server.ts'
import { log, report } from './lib/report.ts'
import { interleaved } from './lib/rounds.ts'

const MESSAGES = 1_000
const CONCURRENCY = 50
const FROM = 'Shop <no-reply@example.com>'

let n = 0
const emailBody = () => {
  n++
  return JSON.stringify({
    channel: 'email',
    to: `bench-${n}@example.com`,
    template: 'order-confirmation',
    data: { firstName: 'Ana', orderId: `A-${n}`, total: '42.00' },
  })
}

/** Runs `task(i)` for i < total with `concurrency` workers. */
async function withWorkers(total: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0
  const worker = async () => {
    while (next < total) await task(next++)
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

/** Waits until the server holds `count` messages; the seconds since `started` is the round's duration. */
async function arrivedRate(smtp: FakeSmtpServer, started: number, count: number) {
  await smtp.waitForMessages(count, 180_000)
  return count / ((performance.now() - started) / 1000)
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100
}

/**
 * `email`: 1,000 order confirmations POSTed to a gateway delivering over SMTP (Redis store) until the
 * local SMTP server holds them all, vs raw nodemailer (pooled, 5 connections) sending the same rendered
 * mail to the same server (issue 7: ≥ 0.8× raw).
 */
export async function benchEmail() {
  // A private Redis, not database 15: other benchmarks may run their gateways on 15 at the same time, and
  // a gateway there would take this benchmark's queued messages (and its flush would drop theirs).
  const redis = await startRedisServer()
  const smtp = await startFakeSmtpServer()
  const gw = await startGatewayProcess({
    env: {
      EMAIL_TRANSPORT: 'smtp',
      SMTP_URL: smtp.url,
      EMAIL_FROM: FROM,
      STORE: 'redis',
      REDIS_URL: redis.url,
      TRANSACTIONAL_RATE: '0',
    },
  })
  const pool = new Pool(gw.url, { connections: CONCURRENCY, pipelining: 1 })
  const transport = nodemailer.createTransport({ pool: true, url: smtp.url, maxConnections: 5, maxMessages: 100 })
  log(`email: gateway ${gw.url} → SMTP ${smtp.url}; ${MESSAGES} messages, ${CONCURRENCY} concurrent, per round`)
  try {
    const gatewayRound = async () => {
      smtp.received.length = 0
      let rejected = 0
      const cpuBefore = cpuSeconds(gw.pid)
      const started = performance.now()
      await withWorkers(MESSAGES, CONCURRENCY, async () => {
        const res = await pool.request({ method: 'POST', path: '/v1/messages', headers, body: emailBody() })
        await res.body.dump()
        if (res.statusCode !== 202) rejected++
      })
      if (rejected) throw new Error(`gateway answered ${rejected} POSTs with other than 202`)
      const value = await arrivedRate(smtp, started, MESSAGES)
      // Share of its one pinned core the gateway used: near 1 means it is CPU-bound.
      const gatewayCpu = (cpuSeconds(gw.pid) - cpuBefore) / (MESSAGES / value)
      return { value, gatewayCpu }
    }

    // Warm-up through the gateway; its first delivered mail is the rendered content the baseline sends.
    await gatewayRound()
    const sample = smtp.received[0]?.parsed
    if (!sample?.subject) throw new Error('warm-up: no rendered mail arrived')
    const rendered = {
      subject: sample.subject,
      ...(sample.html ? { html: sample.html } : {}),
      ...(sample.text ? { text: sample.text } : {}),
    }

    const rawRound = async () => {
      smtp.received.length = 0
      const started = performance.now()
      await withWorkers(MESSAGES, CONCURRENCY, async () => {
        const id = randomUUID()
        n++
        await transport.sendMail({
          from: FROM,
          to: `bench-${n}@example.com`,
          ...rendered,
          messageId: `<${id}@example.com>`,
          headers: { 'X-Message-Id': id },
        })
      })
      return { value: await arrivedRate(smtp, started, MESSAGES) }
    }
    await rawRound()

    const r = await interleaved({
      rounds: 5,
      pids: () => [process.pid, gw.pid],
      baseline: rawRound,
      subject: gatewayRound,
    })
    const cpu = r.subject.map((x) => Number(x.gatewayCpu).toFixed(2)).join(', ')
    log(`email: gateway used ${cpu} of its core per round`)
    log(`email: raw nodemailer ${r.baselineMedian.toFixed(0)} msg/s, gateway ${r.subjectMedian.toFixed(0)} msg/s`)
    report({
      name: 'email',
      figure: 'ratio',
      value: r.ratio,
      target: '>=0.80',
      pass: r.ratio >= 0.8,
      details: {
        rawPerSecond: r.baselineMedian,
        gatewayPerSecond: r.subjectMedian,
        ratios: r.ratios,
        gatewayCpuShare: r.subject.map((x) => x.gatewayCpu),
        messages: MESSAGES,
        concurrency: CONCURRENCY,
        smtpMaxConnections: 5,
        store: 'redis',
      },
    })
  } finally {
    await pool.close()
    transport.close()
    await gw.stop()
    await smtp.close()
    await redis.stop()
  }
}
