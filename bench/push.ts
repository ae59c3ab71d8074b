import { Notification, Provider } from '@parse/node-apn'
import { Pool } from 'undici'
import { type ApnsFake, startApnsServer, testApnsKey } from '../test/fakes/apns-server.ts'
import { type FcmFake, startFcmServer, testServiceAccount } from '../test/fakes/fcm-server.ts'
import { startGatewayProcess } from './lib/gateway-process.ts'
import { headers } from './lib/load.ts'
import { startRedisServer } from './lib/redis-server.ts'
import { log, report } from './lib/report.ts'
import { interleaved, type RoundResult } from './lib/rounds.ts'

const PUSHES = 1000
const CONCURRENCY = 50
const ROUNDS = 3
const KEY_ID = 'BENCHKEY01'
const TEAM_ID = 'BENCHTEAM1'
const TOPIC = 'com.example.bench'
const content = { title: 'Your order shipped', body: 'Order A-1 is on its way' }

let n = 0
const nextToken = (prefix: string) => `${prefix}${n++}`

/** Runs `send(i)` for i in [0, total) with `concurrency` workers. */
async function fanOut(total: number, concurrency: number, send: (i: number) => Promise<void>) {
  let next = 0
  const worker = async () => {
    while (next < total) await send(next++)
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

/** Polls until `count()` reaches `target` (or 60 s pass); answers the moment it did. */
async function recorded(count: () => number, target: number): Promise<number> {
  const until = Date.now() + 60_000
  while (count() < target && Date.now() < until) await new Promise((r) => setTimeout(r, 5))
  return performance.now()
}

/** One round: 1,000 pushes, pushes/s from the first send until the fake recorded them all. */
async function timed(count: () => number, sendAll: () => Promise<unknown>): Promise<RoundResult> {
  const before = count()
  const started = performance.now()
  const [, done] = await Promise.all([sendAll(), recorded(count, before + PUSHES)])
  const delivered = count() - before
  const seconds = (done - started) / 1000
  return { value: delivered / seconds, delivered, seconds }
}

/** Subject: POST /v1/messages (channel push, inline content) to the gateway child, 50 concurrent. */
function gatewaySender(url: string) {
  const pool = new Pool(url, { connections: CONCURRENCY })
  let refused = 0
  return {
    pool,
    get refused() {
      return refused
    },
    send: (platform: 'fcm' | 'apns') =>
      fanOut(PUSHES, CONCURRENCY, async () => {
        const to = { token: nextToken(platform === 'fcm' ? 'bench-fcm-' : 'benchapns'), platform }
        const res = await pool.request({
          method: 'POST',
          path: '/v1/messages',
          headers,
          body: JSON.stringify({ channel: 'push', to, content }),
        })
        await res.body.dump()
        if (res.statusCode >= 300) refused++
      }),
  }
}

/** Baseline for FCM: the same `messages:send` JSON straight to the fake, one bearer token fetched once. */
async function rawFcm(fcm: FcmFake, projectId: string, serviceAccount: { private_key: string; client_email: string }) {
  const { importPKCS8, SignJWT } = await import('jose')
  const iat = Math.floor(Date.now() / 1000)
  const assertion = await new SignJWT({ scope: 'https://www.googleapis.com/auth/firebase.messaging' })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuer(serviceAccount.client_email)
    .setAudience(fcm.tokenUrl)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 3600)
    .sign(await importPKCS8(serviceAccount.private_key, 'RS256'))
  const answer = await fetch(fcm.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
  })
  const { access_token: token } = (await answer.json()) as { access_token: string }
  const pool = new Pool(fcm.url, { connections: CONCURRENCY })
  const path = `/v1/projects/${projectId}/messages:send`
  return {
    pool,
    send: () =>
      fanOut(PUSHES, CONCURRENCY, async () => {
        const res = await pool.request({
          method: 'POST',
          path,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ message: { token: nextToken('bench-fcm-'), notification: content } }),
        })
        await res.body.dump()
      }),
  }
}

/** Baseline for APNs: a `@parse/node-apn` Provider (one HTTP/2 session) sending the same notifications. */
function rawApns(apns: ApnsFake, keyPem: string) {
  const provider = new Provider({
    token: { key: keyPem, keyId: KEY_ID, teamId: TEAM_ID },
    production: false,
    address: apns.host,
    port: apns.port,
    ca: [apns.ca],
  })
  return {
    provider,
    send: () =>
      fanOut(PUSHES, CONCURRENCY, async () => {
        const note = new Notification()
        note.topic = TOPIC
        note.pushType = 'alert'
        note.priority = 10
        note.rawPayload = { aps: { alert: content } }
        await provider.send(note, nextToken('benchapns'))
      }),
  }
}

/** `push-fcm` / `push-apns`: 1,000 pushes through the gateway to each fake vs the raw client, same run. */
export async function benchPush() {
  const { account, publicKey } = testServiceAccount('bench-project')
  const fcm = await startFcmServer({ publicKey, projectId: account.project_id, clientEmail: account.client_email })
  const apnsKey = testApnsKey()
  const apns = await startApnsServer({ publicKey: apnsKey.publicKey, keyId: KEY_ID, teamId: TEAM_ID, topic: TOPIC })
  // A private redis-server, not the shared DB 15: another benchmark's gateway on DB 15 would take these
  // pushes off the queue (and its flush would empty it).
  const redis = await startRedisServer()
  const gw = await startGatewayProcess({
    env: {
      STORE: 'redis',
      REDIS_URL: redis.url,
      TRANSACTIONAL_RATE: '0',
      PUSH_FCM: 'fcm',
      FCM_SERVICE_ACCOUNT: JSON.stringify(account),
      FCM_API_BASE: fcm.url,
      FCM_TOKEN_URL: fcm.tokenUrl,
      PUSH_APNS: 'apns',
      APNS_KEY: apnsKey.pem,
      APNS_KEY_ID: KEY_ID,
      APNS_TEAM_ID: TEAM_ID,
      APNS_TOPIC: TOPIC,
      APNS_HOST: apns.host,
      APNS_PORT: String(apns.port),
      APNS_CA: apns.ca,
    },
  }).catch(async (e: unknown) => {
    await Promise.all([fcm.close(), apns.close(), redis.stop()])
    throw e
  })
  const subject = gatewaySender(gw.url)
  const fcmRaw = await rawFcm(fcm, account.project_id, account)
  const apnsRaw = rawApns(apns, apnsKey.pem)
  log(`push: gateway ${gw.url}, ${PUSHES} pushes per round, ${CONCURRENCY} concurrent, ${ROUNDS} rounds per provider`)
  try {
    const providers = [
      {
        name: 'push-fcm',
        count: () => fcm.requests.length,
        baseline: fcmRaw.send,
        subject: () => subject.send('fcm'),
        extra: () => ({ tokenFetches: fcm.tokenFetches, tokenErrors: fcm.tokenErrors.length }),
      },
      {
        name: 'push-apns',
        count: () => apns.requests.length,
        baseline: apnsRaw.send,
        subject: () => subject.send('apns'),
        extra: () => ({ rejectedJwts: apns.rejectedJwts.length }),
      },
    ]
    for (const p of providers) {
      log(`${p.name}: baseline = raw client, subject = gateway (POST /v1/messages → Redis queue → adapter)`)
      // Warm-up (JIT, connections, the gateway's first access token / HTTP/2 session), not counted.
      const warm = [await timed(p.count, p.baseline), await timed(p.count, p.subject)]
      log(`  warm-up: raw ${warm[0]?.value.toFixed(0)}, gateway ${warm[1]?.value.toFixed(0)} pushes/s (not counted)`)
      const r = await interleaved({
        rounds: ROUNDS,
        pids: () => [process.pid, gw.pid],
        baseline: () => timed(p.count, p.baseline),
        subject: () => timed(p.count, p.subject),
      })
      log(`${p.name}: raw ${r.baselineMedian.toFixed(0)} pushes/s, gateway ${r.subjectMedian.toFixed(0)} pushes/s`)
      report({
        name: p.name,
        figure: 'ratio',
        value: r.ratio,
        target: '>=0.80',
        pass: r.ratio >= 0.8,
        details: {
          rawPushesPerSecond: r.baselineMedian,
          gatewayPushesPerSecond: r.subjectMedian,
          ratios: r.ratios,
          baselineRounds: r.baseline,
          subjectRounds: r.subject,
          pushesPerRound: PUSHES,
          concurrency: CONCURRENCY,
          refusedByGateway: subject.refused,
          store: 'redis (private server)',
          transactionalRate: 0,
          ...p.extra(),
        },
      })
    }
  } finally {
    await gw.stop()
    await Promise.all([subject.pool.close(), fcmRaw.pool.close(), apnsRaw.provider.shutdown()])
    await Promise.all([fcm.close(), apns.close(), redis.stop()])
  }
}
