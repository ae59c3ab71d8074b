import { api } from '../api.js'
import { h, replace, table } from '../dom.js'
import { duration, recipient, statusClass, time } from '../format.js'
import { traceFields, traceReason } from '../trace.js'
import { errorBox, heading, notify, run } from '../ui.js'

const cancelable = ['queued', 'throttled', 'retrying']
const retryable = ['failed', 'expired', 'capped']

/** One message: its outcome, attempts and the decision trace as a timeline, with cancel and retry. */
export async function messagePage(view, { args: [id] }) {
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'))
  replace(view, h('p', {}, h('a', { href: '#/messages' }, '← Messages')), heading(`Message ${id}`), body)
  try {
    show(body, await api(`/v1/messages/${encodeURIComponent(id)}`))
  } catch (e) {
    replace(body, errorBox(e))
  }
}

function show(body, m) {
  const out = h('div', {})
  const act = (label, verb, allowed) =>
    h(
      'button',
      {
        type: 'button',
        disabled: !allowed.includes(m.status),
        title: allowed.includes(m.status) ? null : `Only ${allowed.join(', ')} messages`,
        onclick: (event) =>
          run(event.currentTarget, out, async () => {
            const next = await api(`/v1/messages/${encodeURIComponent(m.id)}/${verb}`, { method: 'POST' })
            notify(`${label}: the message is now ${next.status}.`)
            show(body, next)
          }),
      },
      label,
    )
  const facts = [
    ['Status', h('span', { class: statusClass(m.status) }, m.status)],
    ['Channel', m.channel],
    ['To', recipient(m.to)],
    ['Category', m.category],
    ['Priority', m.priority],
    ['Created', time(m.createdAt)],
    ['Updated', time(m.updatedAt)],
    ['Template', m.template],
    ['Provider', m.provider],
    ['Provider id', m.providerMessageId],
    ['Reason', m.reason],
    ['Error', m.error ? `${m.error.code}: ${m.error.detail ?? ''}` : null],
  ].filter(([, v]) => v !== null && v !== undefined && v !== '')
  replace(
    body,
    h(
      'dl',
      { class: 'facts' },
      facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    ),
    h('div', { class: 'actions' }, act('Cancel', 'cancel', cancelable), act('Retry', 'retry', retryable)),
    out,
    h('h2', {}, 'Attempts'),
    m.attempts?.length
      ? table(
          'Delivery attempts',
          ['#', 'At', 'Duration', 'Outcome', 'Code', 'Detail'],
          m.attempts.map((a) => [
            String(a.n),
            time(a.at),
            duration(a.durationMs),
            a.outcome,
            a.code ?? '',
            a.detail ?? '',
          ]),
        )
      : h('p', { class: 'empty' }, 'No attempts yet.'),
    h('h2', {}, 'Trace'),
    timeline(m.trace ?? []),
  )
}

function timeline(trace) {
  if (trace.length === 0) return h('p', { class: 'empty' }, 'No decisions recorded.')
  return h(
    'ol',
    { class: 'timeline', 'aria-label': 'Decision trace' },
    trace.map((entry) => {
      const reason = traceReason(entry)
      const fields = traceFields(entry.detail)
      return h(
        'li',
        { class: `step step-${entry.decision}`, 'data-step': entry.step },
        h('time', { datetime: entry.at }, time(entry.at)),
        h('div', {}, h('strong', {}, entry.step), ' ', h('span', { class: 'decision' }, entry.decision)),
        reason ? h('p', { class: 'reason' }, reason) : null,
        fields.length
          ? h(
              'details',
              { open: !reason },
              h('summary', {}, 'Details'),
              h(
                'dl',
                { class: 'detail' },
                fields.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
              ),
            )
          : null,
      )
    }),
  )
}
