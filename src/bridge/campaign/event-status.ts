import type { MessageRecord } from '../../domain/message.ts'

/** Statuses of a Message Center event, as Adobe Campaign reports them. */
export type CampaignEventStatus =
  | 'pending'
  | 'processing'
  | 'processed'
  | 'ignored'
  | 'deliveryFailed'
  | 'routingFailed'
  | 'targetingFailed'
  | 'tooOld'

/** Error codes meaning "the retry window or the expiration ran out" rather than a refusal. */
const tooOldCodes = new Set(['TIMEOUT', 'EXPIRED'])

/**
 * The event status a message's status stands for (SPEC section 10), so that Campaign integrations read
 * the vocabulary they know while the message keeps the gateway's own.
 */
export function eventStatusOf(message: Pick<MessageRecord, 'status' | 'error'>): CampaignEventStatus {
  switch (message.status) {
    case 'queued':
    case 'throttled':
      return 'pending'
    case 'sending':
    case 'retrying':
      return 'processing'
    case 'sent':
    case 'delivered':
      return 'processed'
    case 'suppressed':
    case 'canceled':
      return 'ignored'
    case 'expired':
      return 'tooOld'
    case 'failed':
      return message.error && tooOldCodes.has(message.error.code) ? 'tooOld' : 'deliveryFailed'
    case 'capped':
      return 'deliveryFailed'
  }
}
