import { api, query } from '../api.js'
import { lineChart } from '../chart.js'
import { h, replace, table } from '../dom.js'
import { errorBox, heading } from '../ui.js'

const WINDOW_MS = 15 * 60_000
const STEP_MS = 10_000
const REFRESH_MS = 5000
const colors = {
  queued: '#6b7280',
  throttled: '#a16207',
  sending: '#0e7490',
  sent: '#2563eb',
  delivered: '#15803d',
  retrying: '#c2410c',
  failed: '#b91c1c',
  capped: '#7c3aed',
  suppressed: '#be185d',
  expired: '#78716c',
  canceled: '#404040',
}
const fallback = ['#0f766e', '#9333ea', '#ca8a04', '#1d4ed8']

/**
 * Traffic: messages per second by status over the last 15 minutes, from the store's time buckets
 * (`GET /v1/stats`), so every gateway process and every operator see the same numbers.
 */
export async function trafficPage(view) {
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'))
  replace(
    view,
    heading('Traffic'),
    h(
      'p',
      { class: 'muted' },
      'Status changes per second over the last 15 minutes, in 10-second buckets; refreshed every 5 seconds.',
    ),
    body,
  )
  let busy = false
  const refresh = async () => {
    if (busy || !body.isConnected) return
    busy = true
    try {
      const since = new Date(Date.now() - WINDOW_MS).toISOString()
      const stats = await api(`/v1/stats${query({ since, step: STEP_MS })}`)
      replace(body, draw(stats, Date.parse(since)))
    } catch (e) {
      replace(body, errorBox(e))
    } finally {
      busy = false
    }
  }
  await refresh()
  const timer = setInterval(refresh, REFRESH_MS)
  return () => clearInterval(timer)
}

function draw({ step, buckets }, since) {
  const names = [...new Set(buckets.flatMap((b) => Object.keys(b.byStatus ?? {})))]
  const totals = Object.fromEntries(names.map((n) => [n, buckets.reduce((sum, b) => sum + (b.byStatus?.[n] ?? 0), 0)]))
  const series = names.map((name, i) => ({
    name,
    color: colors[name] ?? fallback[i % fallback.length],
    points: buckets.map((b) => ({ x: Date.parse(b.at), y: (b.byStatus?.[name] ?? 0) / (step / 1000) })),
  }))
  const last = buckets.length ? Date.parse(buckets.at(-1).at) + step : Date.now()
  const summary = names.length
    ? `Messages per second by status: ${names.map((n) => `${n} ${totals[n]}`).join(', ')} in 15 minutes`
    : 'No traffic in the last 15 minutes'
  return [
    h(
      'figure',
      { class: 'card chart-box' },
      lineChart({ series, xMin: since, xMax: last, label: summary }),
      h(
        'figcaption',
        { class: 'legend' },
        names.length
          ? series.map((s) =>
              h('span', {}, h('i', { style: `background: ${s.color}` }), `${s.name} (${totals[s.name]})`),
            )
          : 'No traffic in the last 15 minutes.',
      ),
    ),
    names.length
      ? table(
          'Status changes in the last 15 minutes',
          ['Status', 'Count', 'Peak per second'],
          series.map((s) => [
            s.name,
            String(totals[s.name]),
            String(+Math.max(...s.points.map((p) => p.y)).toFixed(2)),
          ]),
        )
      : null,
  ]
}
