import { ApiError, api, query } from '../api.js'
import { field, formValues, h, replace, select, table } from '../dom.js'
import { isoFromLocal, recipient, statusClass, time } from '../format.js'
import { errorBox, heading } from '../ui.js'

export const statuses = [
  'queued',
  'throttled',
  'sending',
  'sent',
  'delivered',
  'retrying',
  'failed',
  'capped',
  'suppressed',
  'expired',
  'canceled',
]
const channels = ['email', 'sms', 'mms', 'push', 'action', 'campaign']
const PAGE_SIZE = 50

/** The hash of the list with these filters (and cursor): searches are links, so back and reload work. */
function listHash(filters) {
  return `#/messages${query(filters)}`
}

/**
 * Messages: search by recipient, id, status, channel and time; newest first, one page of 50 at a time
 * through the API's cursor, so a store with millions of messages costs the same as an empty one.
 */
export async function messagesPage(view, { params }) {
  const current = Object.fromEntries(params)
  const input = (name, attrs = {}) => h('input', { name, value: current[name] ?? '', ...attrs })
  const form = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      'aria-label': 'Search messages',
      onsubmit: (event) => {
        event.preventDefault()
        const { cursor: _, ...filters } = formValues(form)
        location.hash = listHash(filters)
      },
    },
    field('Recipient', input('to', { type: 'search', placeholder: 'ana@example.com or +1555…' })),
    field('Message id', input('id', { type: 'search', placeholder: 'msg_…' })),
    field('Status', select('status', [['', 'any'], ...statuses], current.status ?? '')),
    field('Channel', select('channel', [['', 'any'], ...channels], current.channel ?? '')),
    field('Since', input('since', { type: 'datetime-local', step: '1' })),
    field('Until', input('until', { type: 'datetime-local', step: '1' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Search'), h('a', { href: '#/messages' }, 'Clear')),
  )
  const results = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'))
  replace(view, heading('Messages'), form, results)

  try {
    if (current.id) {
      const m = await api(`/v1/messages/${encodeURIComponent(current.id)}`).catch((e) => {
        if (e instanceof ApiError && (e.status === 404 || e.status === 400)) return null
        throw e
      })
      if (m) location.hash = `#/messages/${encodeURIComponent(m.id)}`
      else replace(results, h('p', {}, `No message with id ${current.id}.`))
      return
    }
    const page = await api(
      `/v1/messages${query({
        to: current.to,
        status: current.status,
        channel: current.channel,
        since: isoFromLocal(current.since),
        until: isoFromLocal(current.until),
        cursor: current.cursor,
        limit: PAGE_SIZE,
      })}`,
    )
    replace(results, messageTable(page.items, current), pager(page.nextCursor, current))
  } catch (e) {
    replace(results, errorBox(e))
  }
}

function messageTable(items, current) {
  if (items.length === 0) return h('p', { class: 'empty' }, current.cursor ? 'No more messages.' : 'No messages match.')
  return table(
    `Messages, newest first (${items.length} on this page)`,
    ['Created', 'Id', 'Channel', 'To', 'Status', 'Code'],
    items.map((m) => [
      time(m.createdAt),
      h('a', { href: `#/messages/${encodeURIComponent(m.id)}` }, m.id),
      m.channel,
      recipient(m.to),
      h('span', { class: statusClass(m.status) }, m.status),
      m.error?.code ?? m.reason ?? '',
    ]),
  )
}

function pager(nextCursor, current) {
  const { cursor, ...filters } = current
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages of messages' },
    cursor ? h('a', { href: listHash(filters) }, 'First page') : null,
    nextCursor ? h('a', { href: listHash({ ...filters, cursor: nextCursor }), rel: 'next' }, 'Next page') : null,
  )
}
