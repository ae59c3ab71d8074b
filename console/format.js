/** Local date and time, seconds included: operators compare traces to logs. */
export function time(iso) {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return String(iso)
  const pad = (n, w = 2) => String(n).padStart(w, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
}

/** `1500` → `1.5 s`; windows and waits read better in the unit people think in. */
export function duration(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return ''
  if (ms < 1000) return `${ms} ms`
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)} s`
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(1)} min`
  return `${+(ms / 3_600_000).toFixed(1)} h`
}

/** A `datetime-local` value (local time) as the ISO instant the API filters on. */
export function isoFromLocal(value) {
  if (!value) return ''
  const d = new Date(value)
  return Number.isNaN(d.getTime()) ? '' : d.toISOString()
}

/** Any recipient shape (`to` of email, SMS, push, campaign) as one line. */
export function recipient(to) {
  if (to === null || to === undefined) return ''
  if (typeof to === 'string') return to
  if (to.token) return `${to.platform ?? 'push'} ${to.token}`
  return Object.values(to).filter(Boolean).join(', ')
}

/** A status pill; the word is the content, colour only repeats it. */
export function statusClass(status) {
  return `pill pill-${String(status).replace(/[^a-z_]/g, '')}`
}
