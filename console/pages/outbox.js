import { api, query } from '../api.js'
import { field, formValues, h, replace } from '../dom.js'
import { recipient, time } from '../format.js'
import { errorBox, heading } from '../ui.js'

const LIMIT = 50
const shown = new Set(['subject', 'html', 'text', 'body'])

/**
 * Outbox: what the sandbox adapters "sent", rendered. HTML email goes into `<iframe sandbox="">`
 * via srcdoc: no script runs, it gets an opaque origin, and it cannot reach the console or the API.
 */
export async function outboxPage(view, { params }) {
  const to = params.get('to') ?? ''
  const form = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      'aria-label': 'Search the outbox',
      onsubmit: (event) => {
        event.preventDefault()
        location.hash = `#/outbox${query({ to: formValues(form).to })}`
      },
    },
    field('Recipient', h('input', { type: 'search', name: 'to', value: to })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Search'), h('a', { href: '#/outbox' }, 'Clear')),
  )
  const list = h('div', {}, h('p', { class: 'muted' }, 'Loading…'))
  replace(
    view,
    heading('Outbox'),
    h('p', { class: 'muted' }, `The last ${LIMIT} messages the sandbox adapters delivered, newest first.`),
    form,
    list,
  )
  try {
    const { items } = await api(`/v1/outbox${query({ to, limit: LIMIT })}`)
    replace(list, items.length ? items.map(entry) : h('p', { class: 'empty' }, 'Nothing in the outbox.'))
  } catch (e) {
    replace(list, errorBox(e))
  }
}

function entry(item) {
  const r = item.rendered ?? {}
  const rest = Object.fromEntries(Object.entries(r).filter(([k]) => !shown.has(k)))
  return h(
    'article',
    { class: 'card outbox-item' },
    h(
      'header',
      {},
      h('strong', {}, item.channel),
      ` to ${recipient(item.to)} · `,
      h('time', { datetime: item.at }, time(item.at)),
      ' · ',
      h('a', { href: `#/messages/${encodeURIComponent(item.messageId)}` }, item.messageId),
    ),
    r.subject ? h('p', {}, h('span', { class: 'muted' }, 'Subject: '), r.subject) : null,
    r.html
      ? h('iframe', {
          sandbox: '',
          srcdoc: r.html,
          title: `Email to ${recipient(item.to)}${r.subject ? `: ${r.subject}` : ''}`,
          class: 'email-preview',
        })
      : null,
    r.text ? h('details', { open: !r.html }, h('summary', {}, 'Text part'), h('pre', {}, r.text)) : null,
    r.body ? h('pre', {}, r.body) : null,
    Object.keys(rest).length
      ? h('details', {}, h('summary', {}, 'Other fields'), h('pre', {}, JSON.stringify(rest, null, 2)))
      : null,
  )
}
