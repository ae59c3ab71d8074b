import { randomBytes } from 'node:crypto'
import type { CampaignTarget, MessageRecord, PushTarget } from '../../src/domain/message.ts'
import { simulatedOutcome } from '../../src/domain/simulator.ts'
import type { ChannelAdapter, OutboxWriter, SendResult } from '../types.ts'

/** The address the simulator table is keyed by. */
function recipientOf(message: MessageRecord): string {
  const to = message.to
  if (typeof to === 'string') return to
  if ('token' in to) return (to as PushTarget).token
  const t = to as CampaignTarget
  return t.email ?? t.mobilePhone ?? ''
}

function renderedOf(message: MessageRecord): Record<string, unknown> {
  const c = message.content
  switch (message.channel) {
    case 'email':
      return {
        subject: c.subject,
        html: c.html,
        text: c.text,
        from: message.from,
        attachments: c.attachments?.length ?? 0,
      }
    case 'sms':
    case 'mms':
      return { body: c.body, mediaUrls: c.mediaUrls, segments: message.segments, encoding: message.encoding }
    case 'push':
      return { payload: c.push }
    case 'campaign':
      return { eventType: c.eventType, ctx: c.ctx }
    default:
      return { body: c.json }
  }
}

/**
 * Delivers nothing outside: records the rendered message in the outbox and simulates outcomes from the
 * reserved recipients of SPEC section 9, so integrators can test their handlers deterministically.
 */
export function sandboxAdapter({ outbox, smsSender }: { outbox: OutboxWriter; smsSender: string }): ChannelAdapter {
  function simulate(message: MessageRecord, attempt: number): SendResult {
    const to = recipientOf(message)
    const isPush = message.channel === 'push'
    const isPhone = message.channel === 'sms' || message.channel === 'mms'
    switch (simulatedOutcome(to)) {
      case 'bounce':
        return isPush
          ? {
              ok: false,
              code: 'INVALID_TOKEN',
              retryable: false,
              suppress: { kind: 'invalid_token' },
              detail: 'simulated: token unregistered',
            }
          : {
              ok: false,
              code: 'HARD_BOUNCE',
              retryable: false,
              suppress: { kind: 'hard_bounce' },
              detail: 'simulated: hard bounce (5.1.1 user unknown)',
            }
      case 'softbounce':
        if (attempt === 1)
          return isPush
            ? {
                ok: false,
                code: 'PROVIDER_SANDBOX_RATE_LIMITED',
                retryable: true,
                retryAfterMs: 1000,
                detail: 'simulated: rate limited',
              }
            : {
                ok: false,
                code: 'PROVIDER_SANDBOX_SOFT_BOUNCE',
                retryable: true,
                suppress: { kind: 'soft_bounce' },
                detail: 'simulated: soft bounce (4.2.2 mailbox full)',
              }
        break
      case 'complaint':
        return {
          ok: true,
          delivered: true,
          providerMessageId: providerId(),
          suppress: { kind: 'complaint' },
          detail: 'simulated: delivered, then a complaint',
        }
      case 'optout':
        return isPhone
          ? {
              ok: false,
              code: 'OPTED_OUT',
              retryable: false,
              suppress: { kind: 'opted_out', sender: smsSender, phone: to },
              detail: 'simulated: Twilio 21610 (recipient replied STOP)',
            }
          : {
              ok: false,
              code: 'OPTED_OUT',
              retryable: false,
              suppress: { kind: 'unsubscribed' },
              detail: 'simulated: recipient unsubscribed',
            }
      case 'timeout':
        return {
          ok: false,
          code: 'AMBIGUOUS',
          retryable: false,
          ambiguous: true,
          detail: 'simulated: provider timeout after the request was sent',
        }
      default:
        break
    }
    return { ok: true, delivered: true, providerMessageId: providerId(), detail: 'simulated: delivered' }
  }

  return {
    name: 'sandbox',
    channels: ['email', 'sms', 'mms', 'push', 'campaign'],
    async send(message, context) {
      const result = simulate(message, context.attempt)
      await outbox.record({
        sandbox: message.sandbox,
        messageId: message.id,
        channel: message.channel,
        to: recipientOf(message),
        at: new Date().toISOString(),
        rendered: renderedOf(message),
      })
      return result
    },
  }
}

const providerId = () => `sandbox-${randomBytes(8).toString('hex')}`
