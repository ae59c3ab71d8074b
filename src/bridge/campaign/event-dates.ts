const dateTime = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)\s*(Z|[+-]\d{2}:?\d{2})?)?$/i

/**
 * Campaign event dates (`scheduled`, `expiration`) as ISO strings: ISO 8601 with `T` or a space between
 * date and time, time and zone optional (UTC when absent). Null when the value is not such a date.
 */
export function parseEventDate(value: string): string | null {
  const m = dateTime.exec(value.trim())
  if (!m) return null
  const [, date, time = '00:00:00', zone = 'Z'] = m
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`
  const ms = Date.parse(`${date}T${time}${offset}`)
  return Number.isNaN(ms) ? null : new Date(ms).toISOString()
}
