import { createHash } from 'node:crypto'
import type { Principal } from '../auth/credentials.ts'
import type { ActionLimits } from '../capping/action-limits.ts'
import type { Config } from '../config/load-config.ts'
import { checkActionRequest, checkCallbackUrl } from '../domain/action-url.ts'
import type { Clock } from '../domain/clock.ts'
import { ValidationError } from '../domain/errors.ts'
import { newMessageId } from '../domain/ids.ts'
import {
  type CampaignTarget,
  type Channel,
  laneOf,
  type MessageRecord,
  type PushTarget,
  type Recipient,
  type RenderedContent,
  type TraceEntry,
} from '../domain/message.ts'
import type { AcceptInput, AcceptResult, Store } from '../store/types.ts'
import { checksOfRecord } from '../suppression/recipient-checks.ts'
import { checkContentLimits, smsSegments } from '../templating/content-limits.ts'
import { renderTemplate } from '../templating/render-template.ts'
import type { TemplateRegistry } from '../templating/template-registry.ts'
import { type MessageRequest, messageRequestSchema } from './message-request.ts'
import { addressOf, domainOfEmail, normalizeEmail, normalizePhone } from './recipients.ts'
import { fieldError, parseOrThrow } from './validate.ts'

const DATA_LIMIT = 200 * 1024
const IDEMPOTENCY_TTL_MS = 24 * 3600_000

export interface IntakeDeps {
  store: Store
  templates: TemplateRegistry
  config: Config
  clock: Clock
  actionLimits: ActionLimits
  /** Whether a channel delivers through its sandbox adapter for this caller (test keys always do). */
  isSandboxed(channel: Channel, to: Recipient, principal: Principal): boolean
}

/** A validated, rendered message ready for the one store step. */
export interface PreparedMessage {
  record: MessageRecord
  request: MessageRequest
}

export interface AcceptOptions {
  idempotencyKey?: string
  /** SHA-256 of the canonical JSON of the request body. */
  bodyHash?: string
  /** Hold the queue item this long: the accepting process dispatches it itself (`Prefer: wait`). */
  holdMs?: number
}

/** Canonical JSON (sorted keys) hashed with SHA-256: "the same body" of SPEC section 4. */
export function bodyHashOf(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex')
}

/** Intake: validate → normalise → render → limits → one store step (SPEC section 4, "Intake order"). */
export function createIntake(deps: IntakeDeps) {
  const { config, clock, templates } = deps

  function recipientOf(req: MessageRequest): Recipient {
    const to = req.to
    switch (req.channel) {
      case 'email': {
        const email = typeof to === 'string' ? normalizeEmail(to) : null
        if (!email) throw fieldError('to', 'must be an email address')
        return email
      }
      case 'sms':
      case 'mms': {
        const phone = typeof to === 'string' ? normalizePhone(to, config.SMS_DEFAULT_REGION) : null
        if (!phone) throw fieldError('to', 'must be a possible phone number')
        return phone
      }
      case 'push': {
        if (typeof to !== 'object' || !('token' in to) || !('platform' in to))
          throw fieldError('to', 'must be {token, platform: "fcm"|"apns"}')
        return to as PushTarget
      }
      case 'action': {
        if (typeof to !== 'string') throw fieldError('to', 'must be an absolute http(s) URL')
        return to
      }
      case 'campaign': {
        if (typeof to !== 'object' || 'token' in to)
          throw fieldError('to', 'must be {email?, mobilePhone?, wishedChannel?}')
        const t = to as { email?: string; mobilePhone?: string; wishedChannel?: number | string }
        const out: CampaignTarget = {}
        if (t.email !== undefined) {
          const email = normalizeEmail(t.email)
          if (!email) throw fieldError('to.email', 'must be an email address')
          out.email = email
        }
        if (t.mobilePhone !== undefined) {
          const phone = normalizePhone(t.mobilePhone, config.SMS_DEFAULT_REGION)
          if (!phone) throw fieldError('to.mobilePhone', 'must be a possible phone number')
          out.mobilePhone = phone
        }
        if (t.wishedChannel !== undefined) out.wishedChannel = Number(t.wishedChannel)
        return out
      }
    }
  }

  function checkShape(req: MessageRequest): void {
    if (req.channel === 'action') {
      if (!req.action) throw fieldError('action', 'is required for channel action')
      if ((req.action.body === undefined) === !req.template)
        throw fieldError('action.body', 'give exactly one of action.body or template')
      if (req.content) throw fieldError('content', 'is not used by channel action')
    } else if (req.channel === 'campaign') {
      if (!req.template) throw fieldError('template', 'is the Campaign event type and is required')
    } else if (!req.template === !req.content) {
      throw fieldError('template', 'give exactly one of template or content')
    }
    if (req.action && req.channel !== 'action') throw fieldError('action', 'is only for channel action')
    for (const field of ['data', 'metadata'] as const) {
      const v = req[field]
      if (v && Buffer.byteLength(JSON.stringify(v)) > DATA_LIMIT) throw fieldError(field, 'is larger than 200 KB')
    }
    if (req.from) {
      const address = addressOf(req.from)
      if (!address) throw fieldError('from', 'must be an email address')
      if (!config.fromDomains.includes(domainOfEmail(address)))
        throw fieldError('from', `domain must be one of ${config.fromDomains.join(', ') || '(none configured)'}`)
    }
    if (req.replyTo && !addressOf(req.replyTo)) throw fieldError('replyTo', 'must be an email address')
    if (req.callbackUrl) {
      const errors = checkCallbackUrl(req.callbackUrl, { allowPrivate: config.ACTIONS_ALLOW_PRIVATE })
      if (errors.length) throw new ValidationError(errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors)
    }
    if (req.sendAt && req.expiresAt && Date.parse(req.expiresAt) <= Date.parse(req.sendAt))
      throw fieldError('expiresAt', 'must be after sendAt')
  }

  function inlineContent(req: MessageRequest): RenderedContent {
    const c = req.content ?? {}
    switch (req.channel) {
      case 'email':
        if (!c.subject || !(c.html || c.text)) throw fieldError('content', 'email needs subject and html and/or text')
        return { subject: c.subject.replace(/[\r\n]+/g, ' '), html: c.html, text: c.text, attachments: c.attachments }
      case 'sms':
        if (!c.body) throw fieldError('content.body', 'is required for sms')
        return { body: c.body }
      case 'mms':
        if (!c.mediaUrls?.length) throw fieldError('content.mediaUrls', 'needs 1 to 10 media URLs')
        return { body: c.body, mediaUrls: c.mediaUrls }
      case 'push': {
        const { subject: _s, html: _h, text: _t, mediaUrls: _m, attachments: _a, ...push } = c
        if (!push.title && !push.body && !push.data && !push.contentAvailable)
          throw fieldError('content', 'push needs title, body, data or contentAvailable')
        return { push }
      }
      case 'action':
        return { json: req.action?.body }
      case 'campaign':
        return { eventType: req.template, ctx: req.data ?? {} }
    }
  }

  function render(req: MessageRequest): RenderedContent {
    if (req.channel === 'campaign') return { eventType: req.template, ctx: req.data ?? {} }
    if (!req.template) return inlineContent(req)
    const rendered = renderTemplate(templates, { name: req.template, channel: req.channel, data: req.data ?? {} })
    if (req.channel === 'mms') return { ...rendered, mediaUrls: req.content?.mediaUrls }
    return rendered
  }

  /** Validates, normalises and renders; throws a GatewayError (400/422) and touches no state. */
  function prepare(principal: Principal, raw: unknown): PreparedMessage {
    const req = parseOrThrow(messageRequestSchema, raw)
    checkShape(req)
    const to = recipientOf(req)
    if (req.channel === 'action') {
      const errors = checkActionRequest(
        {
          url: to as string,
          method: req.action?.method ?? 'POST',
          headers: req.action?.headers ?? {},
          body: req.action?.body,
        },
        { allowPrivate: config.ACTIONS_ALLOW_PRIVATE },
      )
      if (errors.length) throw new ValidationError(errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors)
    }
    const content = render(req)
    checkContentLimits(req.channel, content)
    const sms = (req.channel === 'sms' || req.channel === 'mms') && content.body ? smsSegments(content.body) : undefined
    const now = clock.now()
    const at = new Date(now).toISOString()
    const category =
      req.category ?? (req.template ? templates.meta(req.template)?.category : undefined) ?? 'transactional'
    const trace: TraceEntry[] = [
      { at, step: 'validate', decision: 'accepted' },
      {
        at,
        step: 'render',
        decision: req.template && req.channel !== 'campaign' ? 'rendered' : 'inline',
        ...(req.template ? { detail: { template: req.template } } : {}),
      },
    ]
    const record: MessageRecord = {
      id: newMessageId(now),
      sandbox: principal.sandbox,
      channel: req.channel,
      to,
      category,
      priority: req.priority,
      status: 'queued',
      createdAt: at,
      updatedAt: at,
      content,
      attempts: [],
      trace,
      seriesAttempts: 0,
      sandboxed: deps.isSandboxed(req.channel, to, principal),
      ...(req.template ? { template: req.template } : {}),
      ...(req.action
        ? {
            action: {
              method: req.action.method,
              headers: req.action.headers,
              timeoutMs: req.action.timeoutMs,
              dropNulls: req.action.dropNulls,
            },
          }
        : {}),
      ...(req.from ? { from: req.from } : {}),
      ...(req.replyTo ? { replyTo: req.replyTo } : {}),
      ...(req.callbackUrl ? { callbackUrl: req.callbackUrl } : {}),
      ...(req.metadata ? { metadata: req.metadata } : {}),
      ...(req.sendAt ? { sendAt: new Date(req.sendAt).toISOString() } : {}),
      ...(req.expiresAt ? { expiresAt: new Date(req.expiresAt).toISOString() } : {}),
      ...(sms ? { segments: sms.segments, encoding: sms.encoding } : {}),
    }
    return { record, request: req }
  }

  /** Runs the one store step for a prepared message. */
  async function accept(p: PreparedMessage, options: AcceptOptions = {}): Promise<AcceptResult> {
    const { record } = p
    const now = clock.now()
    const sendAt = record.sendAt ? Date.parse(record.sendAt) : 0
    const deferred = sendAt > now
    let cap: AcceptInput['cap']
    if (record.channel === 'action' && !deferred) {
      const limits = await deps.actionLimits.resolve(
        record.sandbox,
        record.to as string,
        record.action?.method ?? 'POST',
      )
      if (limits.throttle) {
        record.status = 'throttled'
        record.trace.push({
          at: new Date(now).toISOString(),
          step: 'throttle',
          decision: 'queued',
          detail: { config: limits.throttle.uid, maxThroughput: limits.throttle.maxThroughput },
        })
      } else cap = limits.cap
    }
    await liftReRegisteredToken(record)
    const held = options.holdMs && !deferred ? now + options.holdMs : 0
    return deps.store.accept({
      message: record,
      acceptedBody: acceptedBody(record),
      checks: checksOfRecord(record, { smsSender: config.smsSender }),
      ...(cap ? { cap } : {}),
      ...(options.idempotencyKey && options.bodyHash
        ? {
            idempotency: {
              key: options.idempotencyKey,
              bodyHash: options.bodyHash,
              ttlMs: IDEMPOTENCY_TTL_MS,
              ...(held ? { pending: true } : {}),
            },
          }
        : {}),
      enqueue: { lane: laneOf(record), atMs: held || Math.max(sendAt, now) },
    })
  }

  /** A push message whose `to.registeredAt` is newer than its token's suppression lifts it (SPEC section 8). */
  async function liftReRegisteredToken(record: MessageRecord): Promise<void> {
    if (record.channel !== 'push') return
    const to = record.to as PushTarget
    if (!to.registeredAt) return
    const key = { type: 'push_token' as const, value: to.token }
    const entry = await deps.store.suppression.get(record.sandbox, key)
    if (entry?.reason === 'invalid_token' && Date.parse(to.registeredAt) > Date.parse(entry.createdAt)) {
      await deps.store.suppression.remove(record.sandbox, key)
      record.trace.push({
        at: new Date(clock.now()).toISOString(),
        step: 'suppression',
        decision: 'lifted',
        detail: { type: 'push_token', reason: 'token registered again' },
      })
    }
  }

  return { prepare, accept }
}

export type Intake = ReturnType<typeof createIntake>

/** The 202 body (SPEC section 4). */
export function acceptedBody(record: MessageRecord): Record<string, unknown> {
  return {
    id: record.id,
    status: record.status,
    ...(record.segments !== undefined ? { segments: record.segments, encoding: record.encoding } : {}),
  }
}
