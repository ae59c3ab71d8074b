/**
 * The suppression, opt-out, allowlist and consent checks of one stored message (SPEC section 7), for
 * sending it again after intake: a dead-letter retry must not reach an address suppressed meanwhile.
 * The check lists are the ones intake builds for the store's accept step; the evaluation reads the same
 * stores in the same order (suppression by address then domain, SMS opt-out, allowlist, consent).
 */
import type { CampaignTarget, MessageRecord, PushTarget, Recipient } from '../domain/message.ts'
import { isSimulatorRecipient } from '../domain/simulator.ts'
import { domainOfEmail } from '../pipeline/recipients.ts'
import type { AcceptInput, Store } from '../store/types.ts'

export type RecipientChecks = AcceptInput['checks']

/** What stopped a message: the reason it ends `suppressed` with, and the entry that matched. */
export interface RecipientBlock {
  reason: string
  match: { check: 'suppression' | 'sms_opt_out' | 'allowlist' | 'consent'; type?: string; value?: string }
}

/** The check lists for a record, as intake builds them; simulator recipients are never suppressed. */
export function checksOfRecord(record: MessageRecord, { smsSender }: { smsSender: string }): RecipientChecks {
  if (isSimulatorAddress(record.to)) return { suppression: [] }
  const marketing = record.category === 'marketing'
  const to = record.to
  switch (record.channel) {
    case 'email': {
      const email = to as string
      const domain = domainOfEmail(email)
      return {
        suppression: [
          { type: 'email', value: email },
          { type: 'domain', value: domain },
        ],
        allowlist: { address: email, domain },
        ...(marketing ? { consent: { channel: 'email', address: email } } : {}),
      }
    }
    case 'sms':
    case 'mms':
      return {
        suppression: [{ type: 'phone', value: to as string }],
        smsOptOut: { sender: smsSender, phone: to as string },
        ...(marketing ? { consent: { channel: 'sms', address: to as string } } : {}),
      }
    case 'push': {
      const token = (to as PushTarget).token
      return {
        suppression: [{ type: 'push_token', value: token }],
        ...(marketing ? { consent: { channel: 'push', address: token } } : {}),
      }
    }
    case 'campaign': {
      const t = to as CampaignTarget
      return {
        suppression: [
          ...(t.email
            ? [
                { type: 'email' as const, value: t.email },
                { type: 'domain' as const, value: domainOfEmail(t.email) },
              ]
            : []),
          ...(t.mobilePhone ? [{ type: 'phone' as const, value: t.mobilePhone }] : []),
        ],
      }
    }
    case 'action':
      return { suppression: [] }
  }
}

/** The first check that blocks the message now, or null when it may be sent. */
export async function firstBlock(
  store: Store,
  sandbox: string,
  checks: RecipientChecks,
): Promise<RecipientBlock | null> {
  if (checks.suppression.length > 0) {
    const entry = await store.suppression.match(sandbox, checks.suppression)
    if (entry) return { reason: entry.reason, match: { check: 'suppression', type: entry.type, value: entry.value } }
  }
  if (checks.smsOptOut) {
    const optOut = await store.smsOptOuts.get(checks.smsOptOut.sender, checks.smsOptOut.phone)
    if (optOut) return { reason: 'opted_out', match: { check: 'sms_opt_out', type: 'phone', value: optOut.phone } }
  }
  if (checks.allowlist) {
    const list = await store.allowlist.get(sandbox)
    const { address, domain } = checks.allowlist
    if (list.enabled && !list.entries.includes(address) && !list.entries.includes(domain))
      return { reason: 'not_allowed', match: { check: 'allowlist', value: address } }
  }
  if (checks.consent) {
    const consent = await store.consents.get(sandbox, checks.consent.channel, checks.consent.address)
    if (!consent.marketing) return { reason: 'no_consent', match: { check: 'consent', type: checks.consent.channel } }
  }
  return null
}

function isSimulatorAddress(to: Recipient): boolean {
  if (typeof to === 'string') return isSimulatorRecipient(to)
  if ('token' in to) return isSimulatorRecipient(to.token)
  return [to.email, to.mobilePhone].some((a) => a !== undefined && isSimulatorRecipient(a))
}
