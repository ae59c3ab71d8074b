/**
 * The APNs push adapter (SPEC section 8): token (.p8) authentication over one HTTP/2 provider reused by
 * every send. The SDK's own retries are off (`connectionRetryLimit: 0`): the dispatcher owns retries and
 * their backoff (SPEC section 5), so a 429 is not hammered three more times inside one attempt.
 */
import { createPrivateKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { ProviderOptions } from '@parse/node-apn'
import type { ChannelAdapter } from '../../types.ts'
import { pushOf } from '../push-of.ts'
import { apnsOutcome } from './apns-outcome.ts'
import { type ApnsProvider, type ApnsProviderFactory, nodeApnProvider } from './apns-provider.ts'
import { apnsPush } from './apns-push.ts'

export interface ApnsAdapterOptions {
  /** The .p8 signing key: PEM text or a path to it. */
  key: string
  keyId: string
  teamId: string
  /** The app's bundle id (`apns-topic`). */
  topic: string
  production?: boolean
  /** Another APNs origin (a local fake in tests). */
  host?: string
  port?: number
  /** The CA to trust instead of the system roots (a local APNs in tests): PEM text or a path. */
  ca?: string
  /** Milliseconds one request may take before it is abandoned (outcome unknown). */
  requestTimeoutMs?: number
  providerFactory?: ApnsProviderFactory
  /** Clock for `apns-expiration`. */
  now?: () => number
}

/** Builds the adapter. Reads key files at once (a missing file is a start-up error); connects on first send. */
export function apnsAdapter({
  key,
  keyId,
  teamId,
  topic,
  production = false,
  host,
  port,
  ca,
  requestTimeoutMs = 10_000,
  providerFactory = nodeApnProvider,
  now = Date.now,
}: ApnsAdapterOptions): ChannelAdapter & { close(): Promise<void> } {
  const keyPem = pemOrFile(key, 'APNs key')
  const options: ProviderOptions = {
    token: { key: keyPem, keyId, teamId },
    production,
    connectionRetryLimit: 0,
    requestTimeout: requestTimeoutMs,
    ...(host ? { address: host } : {}),
    ...(port ? { port } : {}),
    ...(ca ? { ca: [pemOrFile(ca, 'APNs CA')] } : {}),
  }
  let provider: Promise<ApnsProvider> | undefined
  const providerOnce = () => {
    provider ??= Promise.resolve().then(() => providerFactory(options))
    return provider
  }

  return {
    name: 'apns',
    channels: ['push'],
    async send(message) {
      const { token, push } = pushOf(message)
      const answer = await (await providerOnce()).send(apnsPush({ token, topic, push, nowMs: now() }))
      return apnsOutcome(answer)
    },
    async verify() {
      const problems: string[] = []
      for (const [name, value] of Object.entries({ keyId, teamId, topic }))
        if (!value) problems.push(`${name} is missing`)
      try {
        const parsed = createPrivateKey(keyPem)
        if (parsed.asymmetricKeyType !== 'ec')
          problems.push(`the key is ${parsed.asymmetricKeyType}, not an EC (P-256) .p8 key`)
      } catch (e) {
        problems.push(`the key is not a PEM private key (${(e as Error).message})`)
      }
      if (problems.length) throw new Error(`APNs: ${problems.join('; ')}`)
      await providerOnce()
    },
    async close() {
      if (!provider) return
      const started = provider
      provider = undefined
      await (await started).shutdown()
    },
  }
}

/** PEM text is used as is; anything else is a path to read. */
function pemOrFile(value: string, what: string): string {
  if (value.includes('-----BEGIN ')) return value
  try {
    return readFileSync(value, 'utf8')
  } catch (e) {
    throw new Error(`${what}: cannot read ${value} (${(e as Error).message})`)
  }
}
