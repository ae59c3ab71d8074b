import type { Config } from '../config/load-config.ts'
import type { Channel, PushTarget, Recipient } from '../domain/message.ts'

/**
 * Which channels deliver through the sandbox adapter for a caller (SPEC section 9), decided at intake and
 * stored on the record, so the Worker and the Node dispatcher that later sends the message agree.
 */
export function sandboxMode(config: Config) {
  return (channel: Channel, to: Recipient, principal: { isTestKey: boolean }): boolean => {
    if (channel === 'action') return false
    if (principal.isTestKey) return true
    switch (channel) {
      case 'email':
        return config.EMAIL_TRANSPORT === 'sandbox'
      case 'sms':
      case 'mms':
        return config.SMS_PROVIDER === 'sandbox'
      case 'push':
        return (to as PushTarget).platform === 'apns' ? config.PUSH_APNS === 'sandbox' : config.PUSH_FCM === 'sandbox'
      case 'campaign':
        return !config.CAMPAIGN_URL
    }
  }
}
