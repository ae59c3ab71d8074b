import type { Principal } from '../../auth/credentials.ts'
import { GatewayError, ValidationError } from '../../domain/errors.ts'
import type { Channel, PushTarget } from '../../domain/message.ts'
import type { GatewayDeps } from '../../http/gateway-deps.ts'
import type { PreparedMessage } from '../../pipeline/intake.ts'
import { normalizeEmail, normalizePhone } from '../../pipeline/recipients.ts'
import { fieldError } from '../../pipeline/validate.ts'
import { parseEventDate } from './event-dates.ts'
import { newEventPKey } from './event-pkey.ts'
import type { CampaignEventStatus } from './event-status.ts'
import type { CampaignEventDocument, CampaignEventStore } from './event-store.ts'
import { templateForEvent } from './event-template.ts'

/** One Message Center event as SOAP `rtEvent`/`batchEvent` attributes or the REST body carry it. */
export interface CampaignEvent {
  type: string
  email?: string
  mobilePhone?: string
  registrationToken?: string
  /** 0 email, 1 SMS, 41 iOS push, 42 Android push. */
  wishedChannel?: string | number
  externalId?: string
  origin?: string
  scheduled?: string
  expiration?: string
  ctx: Record<string, unknown>
}

/** `batch` events (`nms:batchEvent`) go to the slow lane: priority low, marketing unless the template says otherwise. */
export type EventLane = 'realtime' | 'batch'

/** An event checked and rendered, ready to be recorded: a message, or a refusal with its Campaign status. */
interface PlannedEvent {
  doc: CampaignEventDocument
  prepared?: PreparedMessage
}

type Target = { channel: Channel; to: string | PushTarget } | { failed: string }

/** Intake's field names for the event's own (`data` is the ctx, `sendAt` the scheduled date ...). */
const eventFields: Record<string, string> = {
  data: 'ctx',
  sendAt: 'scheduled',
  expiresAt: 'expiration',
  metadata: 'externalId',
}

function inEventTerms(e: ValidationError): ValidationError {
  const errors = (e.errors ?? []).map((f) => {
    const [head = '', ...rest] = f.path.split('.')
    return { path: [eventFields[head] ?? head, ...rest].join('.'), message: f.message }
  })
  return new ValidationError(errors.map((f) => `${f.path}: ${f.message}`).join('; ') || e.message, errors)
}

const wishedChannels: Record<number, Channel> = { 0: 'email', 1: 'sms', 41: 'push', 42: 'push' }

/**
 * Message Center intake (SPEC section 10): every event becomes a normal message through the intake
 * pipeline, or, when its type has no template, a variable is missing or no address fits, an accepted
 * event recorded with its Campaign status. All events of a call are checked and rendered before any is
 * recorded, so one malformed event refuses the whole call and queues nothing.
 */
export function campaignEventIntake({ deps, events }: { deps: GatewayDeps; events: CampaignEventStore }) {
  const { config, clock, templates, intake } = deps

  function addressesOf(event: CampaignEvent) {
    let email: string | undefined
    let mobilePhone: string | undefined
    if (event.email !== undefined && event.email !== '') {
      email = normalizeEmail(event.email) ?? undefined
      if (!email) throw fieldError('email', `"${event.email}" is not an email address`)
    }
    if (event.mobilePhone !== undefined && event.mobilePhone !== '') {
      mobilePhone = normalizePhone(event.mobilePhone, config.SMS_DEFAULT_REGION) ?? undefined
      if (!mobilePhone) throw fieldError('mobilePhone', `"${event.mobilePhone}" is not a possible phone number`)
    }
    let wished: number | undefined
    if (event.wishedChannel !== undefined && event.wishedChannel !== '') {
      wished = Number(event.wishedChannel)
      if (!Number.isInteger(wished) || wished < 0)
        throw fieldError('wishedChannel', 'must be a channel number (0 email, 1 SMS, 41 iOS, 42 Android)')
    }
    const token = event.registrationToken?.trim() || undefined
    return { email, mobilePhone, wished, token }
  }

  function targetOf({ email, mobilePhone, wished, token }: ReturnType<typeof addressesOf>): Target {
    if (wished === undefined) {
      if (email) return { channel: 'email', to: email }
      if (mobilePhone) return { channel: 'sms', to: mobilePhone }
      return { failed: 'the event has no email address and no mobile phone' }
    }
    const channel = wishedChannels[wished]
    if (!channel) return { failed: `wishedChannel ${wished} is not a channel this gateway delivers` }
    if (channel === 'email')
      return email ? { channel, to: email } : { failed: 'wishedChannel 0 (email) without an email address' }
    if (channel === 'sms')
      return mobilePhone ? { channel, to: mobilePhone } : { failed: 'wishedChannel 1 (SMS) without a mobile phone' }
    if (!token) return { failed: `wishedChannel ${wished} (push) without a registrationToken` }
    return { channel, to: { token, platform: wished === 41 ? 'apns' : 'fcm' } }
  }

  function dateOf(event: CampaignEvent, field: 'scheduled' | 'expiration'): string | undefined {
    const value = event[field]
    if (value === undefined || value === '') return undefined
    const iso = parseEventDate(value)
    if (!iso) throw fieldError(field, `"${value}" is not a date`)
    return iso
  }

  /** Checks and renders one event; throws a ValidationError for malformed input and touches no state. */
  function plan(principal: Principal, event: CampaignEvent, lane: EventLane): PlannedEvent {
    if (!event.type.trim()) throw fieldError('type', 'the event type is required')
    const addresses = addressesOf(event)
    const sendAt = dateOf(event, 'scheduled')
    const expiresAt = dateOf(event, 'expiration')
    if (sendAt && expiresAt && Date.parse(expiresAt) <= Date.parse(sendAt))
      throw fieldError('expiration', 'must be after scheduled')
    const pkey = newEventPKey()
    const doc: CampaignEventDocument = {
      pkey,
      type: event.type,
      createdAt: new Date(clock.now()).toISOString(),
      ...(event.externalId ? { externalId: event.externalId } : {}),
    }
    const refuse = (status: CampaignEventStatus, reason: string): PlannedEvent => ({ doc: { ...doc, status, reason } })
    if (expiresAt && Date.parse(expiresAt) <= clock.now()) return refuse('tooOld', `expiration ${expiresAt} has passed`)
    const template = templateForEvent(templates, event.type)
    if (!template) return refuse('routingFailed', `no template for event type "${event.type}"`)
    doc.template = template
    const target = targetOf(addresses)
    if ('failed' in target) return refuse('targetingFailed', target.failed)
    doc.channel = target.channel
    if (!templates.channelsOf(template).includes(target.channel))
      return refuse('routingFailed', `template "${template}" has no ${target.channel} version`)
    const raw = {
      channel: target.channel,
      to: target.to,
      template,
      data: event.ctx,
      ...(lane === 'batch' ? { priority: 'low', category: templates.meta(template)?.category ?? 'marketing' } : {}),
      metadata: {
        campaign: {
          eventId: `EVT${event.type}`,
          type: event.type,
          pkey,
          ...(event.externalId ? { externalId: event.externalId } : {}),
          ...(event.origin ? { origin: event.origin } : {}),
        },
      },
      ...(sendAt ? { sendAt } : {}),
      ...(expiresAt ? { expiresAt } : {}),
    }
    try {
      return { doc, prepared: intake.prepare(principal, raw) }
    } catch (e) {
      if (e instanceof GatewayError && (e.code === 'TEMPLATE_ERROR' || e.code === 'CONTENT_LIMIT'))
        return refuse('deliveryFailed', e.message)
      throw e instanceof ValidationError ? inEventTerms(e) : e
    }
  }

  /** Records planned events in order: each event document, then its message (one intake store step). */
  async function record(principal: Principal, planned: PlannedEvent[]): Promise<CampaignEventDocument[]> {
    const done: CampaignEventDocument[] = []
    for (const { doc, prepared } of planned) {
      if (prepared) doc.messageId = prepared.record.id
      while (!(await events.create(principal.sandbox, doc))) {
        doc.pkey = newEventPKey()
        const campaign = prepared?.record.metadata?.campaign as Record<string, unknown> | undefined
        if (campaign) campaign.pkey = doc.pkey
      }
      if (prepared) await acceptPrepared(prepared)
      done.push(doc)
    }
    deps.dispatcher.nudge()
    return done
  }

  async function acceptPrepared(prepared: PreparedMessage): Promise<void> {
    const result = await intake.accept(prepared)
    switch (result.outcome) {
      case 'accepted':
        deps.status.recorded(result.message, null)
        return
      case 'suppressed':
        deps.status.recorded(result.message)
        deps.metrics.suppressionHits.inc({ check: result.match.check })
        return
      case 'capped':
        deps.status.recorded(result.message)
        deps.metrics.capRejections.inc({ kind: 'intake' })
        return
      default:
        return
    }
  }

  return {
    /**
     * Checks and renders every event, then records them all; answers their documents (PKeys) in order.
     * A ValidationError names the event field at fault; nothing is recorded then.
     */
    async push(
      principal: Principal,
      list: CampaignEvent[],
      lane: EventLane = 'realtime',
    ): Promise<CampaignEventDocument[]> {
      const planned = list.map((event, index) => {
        try {
          return plan(principal, event, lane)
        } catch (e) {
          if (e instanceof GatewayError && list.length > 1) e.extra.eventIndex = index
          throw e
        }
      })
      return record(principal, planned)
    },
  }
}

export type CampaignEventIntake = ReturnType<typeof campaignEventIntake>
