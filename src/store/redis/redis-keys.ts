import type { Lane } from '../../domain/message.ts'

/** Keeps braces out of hash tags: a sandbox name can never move its keys to another slot. */
const escapeTag = (name: string) => name.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/**
 * Every Redis key of the store. Sandbox keys share the hash tag `{s.<sandbox>}`, so each script touches
 * one cluster slot; SMS opt-outs (deployment-wide, SPEC section 7) live under `{optout}`. The queue lives
 * under `{q}` on a single node and under the sandbox's own tag in cluster mode (see redis-queue.ts).
 */
export function redisKeys(prefix: string) {
  const base = (sandbox: string) => `${prefix}:{s.${escapeTag(sandbox)}}:`
  const queueBase = (tag: string | null) => (tag === null ? `${prefix}:{q}:` : base(tag))
  return {
    base,
    /** A key nothing writes, in the sandbox's slot: fills a script's KEYS slot that a call does not use. */
    unused: (sandbox: string) => `${base(sandbox)}~`,
    message: (sandbox: string, id: string) => `${base(sandbox)}m:${id}`,
    messageIndex: (sandbox: string) => `${base(sandbox)}mi`,
    idempotency: (sandbox: string, key: string) => `${base(sandbox)}i:${key}`,
    suppressions: (sandbox: string) => `${base(sandbox)}s`,
    suppressionExpiries: (sandbox: string) => `${base(sandbox)}sx`,
    suppressionMeta: (sandbox: string) => `${base(sandbox)}sm`,
    suppressionIndex: (sandbox: string) => `${base(sandbox)}si`,
    suppressionReasonIndex: (sandbox: string, reason: string) => `${base(sandbox)}si:r:${reason}`,
    suppressionDomainIndex: (sandbox: string, domain: string) => `${base(sandbox)}si:d:${domain}`,
    softBounces: (sandbox: string) => `${base(sandbox)}sbc`,
    consents: (sandbox: string) => `${base(sandbox)}c`,
    allowlist: (sandbox: string) => `${base(sandbox)}al`,
    allowlistOn: (sandbox: string) => `${base(sandbox)}al:on`,
    allowlistSet: (sandbox: string) => `${base(sandbox)}al:set`,
    limiter: (sandbox: string, key: string) => `${base(sandbox)}lim:${key}`,
    latency: (sandbox: string, key: string) => `${base(sandbox)}lat:${key}`,
    configs: (sandbox: string, kind: string) => `${base(sandbox)}cfg:${kind}`,
    configVersion: (sandbox: string) => `${base(sandbox)}cfgv`,
    outbox: (sandbox: string) => `${base(sandbox)}ob`,
    stats: (sandbox: string, minuteMs: number) => `${base(sandbox)}st:${minuteMs}`,
    optOuts: `${prefix}:{optout}:o`,
    optOutsOfPhone: (phone: string) => `${prefix}:{optout}:p:${phone}`,
    /** `tag` null: the single-node global queue; else the sandbox whose queue it is (cluster mode). */
    queueLane: (tag: string | null, lane: Lane) => `${queueBase(tag)}q:${lane}`,
    queueIndex: (tag: string | null) => `${queueBase(tag)}q:idx`,
    queueSequence: (tag: string | null) => `${queueBase(tag)}q:seq`,
    /** Cluster mode: sandboxes that have ever queued work (claim visits each). */
    activeQueues: `${prefix}:{q}:active`,
  }
}

export type RedisKeys = ReturnType<typeof redisKeys>
