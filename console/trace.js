import { duration } from './format.js'

/**
 * One sentence per trace entry saying why the gateway decided what it did: which suppression entry,
 * which cap key at what use, how long a throttle held the message, why an attempt is retried or not.
 * Unknown steps fall back to their details, so new pipeline steps still show.
 */
export function traceReason({ step, decision, detail = {} }) {
  const d = detail ?? {}
  switch (step) {
    case 'suppression':
    case 'sms_opt_out':
    case 'allowlist':
    case 'consent':
      if (decision === 'added') return `Added suppression entry ${d.type} ${d.value} (reason ${d.reason})`
      if (d.type && d.value) return `Matched suppression entry ${d.type} ${d.value} (reason ${d.reason})`
      return d.reason ? `Not sent: ${d.reason}` : ''
    case 'capping':
      return `Cap ${d.key}: ${d.count}/${d.limit} used in ${duration(d.windowMs)}${
        d.headroom !== undefined ? `, headroom ${d.headroom}` : ''
      }${d.slow ? ' (slow endpoint cap)' : ''}${d.retryAfterMs ? `, next slot in ${duration(d.retryAfterMs)}` : ''}`
    case 'throttle':
      if (decision === 'queued') return `Waiting behind throttle ${d.config} (${d.maxThroughput} calls/s)`
      if (decision === 'released')
        return `Released after waiting ${duration(d.waitedMs)} (${d.count}/${d.limit} this second)`
      return ''
    case 'dispatch':
      return [d.attempt ? `Attempt ${d.attempt}` : '', d.code, d.why, d.detail, d.provider ? `via ${d.provider}` : '']
        .filter(Boolean)
        .join(': ')
    case 'retry':
      return `Attempt ${d.attempt} ended ${d.code ?? 'in error'}: retrying${
        d.delayMs !== undefined ? ` in ${duration(d.delayMs)}` : d.at ? ` at ${d.at}` : ''
      }${d.retryAfterMs ? ` (provider asked for ${duration(d.retryAfterMs)})` : ''}`
    case 'replay':
      return `Retry requested${d.by ? ` by ${d.by}` : ''} from ${d.from}${d.code ? ` (${d.code})` : ''}`
    default:
      return ''
  }
}

/** The remaining detail fields as `key: value` pairs (everything the reason sentence did not say). */
export function traceFields(detail) {
  if (!detail || typeof detail !== 'object') return []
  return Object.entries(detail).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)])
}
