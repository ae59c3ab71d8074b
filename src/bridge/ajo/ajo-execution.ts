import { z } from '@hono/zod-openapi'
import type { Principal } from '../../auth/credentials.ts'
import { GatewayError, ValidationError } from '../../domain/errors.ts'
import { newUid } from '../../domain/ids.ts'
import type { Channel, PushTarget } from '../../domain/message.ts'
import type { GatewayDeps } from '../../http/gateway-deps.ts'
import type { PreparedMessage } from '../../pipeline/intake.ts'
import { fieldError } from '../../pipeline/validate.ts'

const CONTEXT_LIMIT = 200 * 1024
const REPLAY_TTL_MS = 24 * 3600_000
const contextSchema = z.record(z.string(), z.unknown())

const recipientSchema = z.object({
  type: z.enum(['aep', 'external']).optional(),
  userId: z.string().min(1).max(1024),
  namespace: z.string().min(1).max(255),
  channelData: z
    .object({
      emailAddress: z.string().max(320).optional(),
      mobilePhoneNumber: z.string().max(64).optional(),
      pushInfo: z.object({ platform: z.string().min(1).max(32), token: z.string().min(1).max(4096) }).optional(),
    })
    .optional(),
  context: contextSchema.optional(),
})

/** `POST /ajo/im/executions/unitary` body (AJO API-triggered campaigns, SPEC section 10). */
export const ajoExecutionSchema = z
  .object({
    requestId: z.string().min(1).max(255),
    campaignId: z.string().min(1).max(64),
    recipients: z.array(recipientSchema).min(1).max(20),
    context: contextSchema.optional(),
  })
  .openapi('AjoUnitaryExecution')

export type AjoExecutionRequest = z.output<typeof ajoExecutionSchema>
type AjoRecipient = AjoExecutionRequest['recipients'][number]

export interface AjoAnswer {
  body: Record<string, unknown>
  replayed: boolean
}

/** Context values render as strings (`{{context.amount}}`); objects and arrays keep their shape. */
export function stringifyContext(value: unknown): unknown {
  if (value === null || value === undefined) return value
  if (Array.isArray(value)) return value.map(stringifyContext)
  if (typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringifyContext(v)]))
  return String(value)
}

const pushPlatforms: Record<string, PushTarget['platform']> = {
  fcm: 'fcm',
  android: 'fcm',
  gcm: 'fcm',
  apns: 'apns',
  ios: 'apns',
}

function recipientAddress(channel: Channel, r: AjoRecipient, i: number): string | PushTarget {
  const data = r.channelData ?? {}
  const ns = r.namespace.toLowerCase()
  const path = `recipients.${i}`
  switch (channel) {
    case 'email': {
      const address = data.emailAddress ?? (ns === 'email' ? r.userId : undefined)
      if (!address)
        throw fieldError(`${path}.channelData.emailAddress`, 'is required for an email campaign (or namespace "email")')
      return address
    }
    case 'sms':
    case 'mms': {
      const phone = data.mobilePhoneNumber ?? (ns === 'phone' ? r.userId : undefined)
      if (!phone)
        throw fieldError(
          `${path}.channelData.mobilePhoneNumber`,
          'is required for an SMS campaign (or namespace "phone")',
        )
      return phone
    }
    case 'push': {
      const push = data.pushInfo
      const platform = push ? pushPlatforms[push.platform.toLowerCase()] : undefined
      if (!push || !platform)
        throw fieldError(`${path}.channelData.pushInfo`, 'needs {platform: "fcm"|"apns", token} for a push campaign')
      return { token: push.token, platform }
    }
    default:
      throw fieldError('campaignId', `channel ${channel} cannot be used by an API-triggered campaign`)
  }
}

/**
 * AJO API-triggered campaigns: one message per recipient, rendered from the `campaignId` template with
 * `{context}`; every recipient is checked and rendered before any is accepted, and the first answer for
 * a `requestId` is kept 24 h and replayed.
 */
export function ajoExecutions({ deps }: { deps: GatewayDeps }) {
  const { templates, intake, store, clock } = deps

  function contextsOf(req: AjoExecutionRequest): Record<string, unknown>[] {
    const top = req.context ?? {}
    let size = Buffer.byteLength(JSON.stringify(top))
    if (Object.hasOwn(top, 'system')) throw fieldError('context.system', 'is reserved')
    return req.recipients.map((r, i) => {
      const own = r.context ?? {}
      if (Object.hasOwn(own, 'system')) throw fieldError(`recipients.${i}.context.system`, 'is reserved')
      size += Buffer.byteLength(JSON.stringify(own))
      if (size > CONTEXT_LIMIT) throw fieldError('context', 'the contexts are larger than 200 KB in total')
      return stringifyContext({ ...top, ...own }) as Record<string, unknown>
    })
  }

  function prepareAll(principal: Principal, req: AjoExecutionRequest, executionId: string): PreparedMessage[] {
    const template = templates.get(req.campaignId)
    if (!template) throw fieldError('campaignId', `no campaign (template) named "${req.campaignId}"`)
    const channel = template.meta.channel ?? templates.channelsOf(req.campaignId)[0]
    if (!channel) throw fieldError('campaignId', `campaign "${req.campaignId}" has no channel`)
    const contexts = contextsOf(req)
    return req.recipients.map((r, i) => {
      const raw = {
        channel,
        to: recipientAddress(channel, r, i),
        template: req.campaignId,
        data: { context: contexts[i] ?? {} },
        metadata: {
          ajo: {
            executionId,
            requestId: req.requestId,
            campaignId: req.campaignId,
            userId: r.userId,
            namespace: r.namespace,
            ...(r.type ? { type: r.type } : {}),
          },
        },
      }
      try {
        return intake.prepare(principal, raw)
      } catch (e) {
        // A recipient's problem names the recipient; AJO answers every payload problem with 400.
        if (e instanceof GatewayError && e.status < 500) {
          const errors = (e.errors ?? [{ path: '', message: e.message }]).map((f) => ({
            path: [`recipients.${i}`, f.path === 'to' ? 'channelData' : f.path].filter(Boolean).join('.'),
            message: f.message,
          }))
          throw new ValidationError(`recipients.${i}: ${e.message}`, errors)
        }
        throw e
      }
    })
  }

  return {
    async execute(principal: Principal, req: AjoExecutionRequest): Promise<AjoAnswer> {
      const key = `ajo:${req.requestId}`
      const prior = await store.idempotency.get(principal.sandbox, key)
      if (prior) return { body: prior.response.body, replayed: true }
      const executionId = newUid()
      const prepared = prepareAll(principal, req, executionId)
      const body = {
        executionId,
        requestId: req.requestId,
        createdAt: new Date(clock.now()).toISOString(),
        createdBy: principal.keyId,
      }
      const raced = await store.idempotency.claim(
        principal.sandbox,
        key,
        { bodyHash: '', response: { status: 202, body } },
        REPLAY_TTL_MS,
      )
      if (raced) return { body: raced.response.body, replayed: true }
      for (const p of prepared) {
        const result = await intake.accept(p)
        if (result.outcome === 'accepted') deps.status.recorded(result.message, null)
        else if (result.outcome === 'suppressed') {
          deps.status.recorded(result.message)
          deps.metrics.suppressionHits.inc({ check: result.match.check })
        } else if (result.outcome === 'capped') deps.status.recorded(result.message)
      }
      deps.dispatcher.nudge()
      return { body, replayed: false }
    },
  }
}
