/**
 * The SMS keywords carriers and Twilio act on (SPEC section 7). Only a whole message counts (trimmed,
 * any case): "please stop texting me" is a conversation, not an opt-out.
 */

export type SmsKeyword = 'opt_out' | 'opt_in' | 'help'

const keywords = new Map<string, SmsKeyword>([
  ...['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'NO'].map(
    (k) => [k, 'opt_out'] as const,
  ),
  ...['START', 'UNSTOP', 'YES', 'SUBSCRIBE', 'CONTINUE', 'RESUME', 'BEGIN'].map((k) => [k, 'opt_in'] as const),
  ...['HELP', 'INFO'].map((k) => [k, 'help'] as const),
])

/** What an inbound SMS body asks for, or `null` when it is not a keyword. */
export function classifySmsKeyword(body: string): SmsKeyword | null {
  return keywords.get(body.trim().toUpperCase()) ?? null
}
