import pino, { type Logger } from 'pino'

export type { Logger }

/** Paths whose values never reach the logs: keys, tokens, addresses, phone numbers, action headers. */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers["x-webhook-secret"]',
  'headers.authorization',
  'authorization',
  'token',
  'apiKey',
  'to',
  'email',
  'phone',
  'mobilePhone',
  'message.to',
  'action.headers',
  'message.action.headers',
  '*.to',
  '*.token',
  '*.email',
]

/** The process logger: JSON lines (pino) with redaction. */
export function createLogger({
  level = 'info',
  destination,
}: {
  level?: string
  destination?: pino.DestinationStream
} = {}): Logger {
  return pino(
    { level, base: { service: 'sendgate' }, redact: { paths: redactedPaths, censor: '[redacted]' } },
    destination,
  )
}
