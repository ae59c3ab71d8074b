import { ApiError, api, query } from '../api.js'
import { field, formValues, h, replace, select, table } from '../dom.js'
import { isoFromLocal, time } from '../format.js'
import { errorBox, heading, notify, run } from '../ui.js'

const types = ['email', 'domain', 'phone', 'push_token']
const reasons = ['manual', 'hard_bounce', 'soft_bounce', 'complaint', 'invalid_token']
const PAGE_SIZE = 50

const entryPath = (e) => `/v1/suppressions/${encodeURIComponent(e.type)}/${encodeURIComponent(e.value)}`

/** The list's filter as API query fields (datetime-local values become ISO instants). */
function filterOf(values) {
  return {
    type: values.type,
    reason: values.reason,
    since: isoFromLocal(values.since),
    until: isoFromLocal(values.until),
  }
}

/**
 * Suppression: find, add and delete entries, page through the list, import a CSV (with its per-line
 * report), export, and bulk-delete with a preview of the count first (`dryRun=true`).
 */
export async function suppressionPage(view) {
  const list = entryList()
  replace(
    view,
    heading('Suppression'),
    h('div', { class: 'grid' }, findSection(), addSection(list.reload)),
    list.section,
    h('div', { class: 'grid' }, importSection(list.reload), bulkDeleteSection(list.reload)),
  )
  await list.reload()
}

function findSection() {
  const out = h('div', { 'aria-live': 'polite' })
  const form = h(
    'form',
    {
      'aria-label': 'Find an entry',
      onsubmit: (event) => {
        event.preventDefault()
        const { type, value } = formValues(form)
        run(event.submitter, out, async () => {
          try {
            const e = await api(entryPath({ type, value }))
            replace(
              out,
              h(
                'p',
                {},
                `${e.type} ${e.value} is suppressed: ${e.reason}`,
                e.comment ? ` (${e.comment})` : '',
                `, since ${time(e.createdAt)}.`,
              ),
            )
          } catch (e) {
            if (!(e instanceof ApiError && e.status === 404)) throw e
            replace(out, h('p', {}, `${type} ${value} is not suppressed.`))
          }
        })
      },
    },
    h(
      'div',
      { class: 'row' },
      field('Type', select('type', types)),
      field('Value', h('input', { name: 'value', required: true })),
    ),
    h('button', { type: 'submit' }, 'Find'),
  )
  return h('section', { class: 'card' }, h('h2', {}, 'Find an entry'), form, out)
}

function addSection(reload) {
  const out = h('div', { 'aria-live': 'polite' })
  const form = h(
    'form',
    {
      'aria-label': 'Add an entry',
      onsubmit: (event) => {
        event.preventDefault()
        const v = formValues(form)
        const entry = { type: v.type, value: v.value, reason: v.reason }
        if (v.comment) entry.comment = v.comment
        if (v.expiresAt) entry.expiresAt = isoFromLocal(v.expiresAt)
        run(event.submitter, out, async () => {
          const { items } = await api('/v1/suppressions', { method: 'POST', body: [entry] })
          replace(out)
          form.reset()
          notify(`Added ${items[0]?.type} ${items[0]?.value}.`)
          await reload()
        })
      },
    },
    h(
      'div',
      { class: 'row' },
      field('Type', select('type', types)),
      field('Value', h('input', { name: 'value', required: true, placeholder: 'ana@example.com' })),
      field('Reason', select('reason', reasons)),
    ),
    h(
      'div',
      { class: 'row' },
      field('Comment', h('input', { name: 'comment', maxlength: '1000' })),
      field('Expires', h('input', { name: 'expiresAt', type: 'datetime-local' }), 'optional'),
    ),
    h('button', { type: 'submit' }, 'Add'),
  )
  return h('section', { class: 'card' }, h('h2', {}, 'Add an entry'), form, out)
}

/** The list, filtered, one page at a time; cursors of earlier pages are kept for "Previous". */
function entryList() {
  const results = h('div', { 'aria-live': 'polite' })
  const cursors = []
  let filter = {}
  const filters = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Filter entries',
      onsubmit: (event) => {
        event.preventDefault()
        filter = filterOf(formValues(filters))
        cursors.length = 0
        reload()
      },
    },
    field('Type', select('type', [['', 'any'], ...types])),
    field('Reason', select('reason', [['', 'any'], ...reasons])),
    field('Since', h('input', { name: 'since', type: 'datetime-local' })),
    field('Until', h('input', { name: 'until', type: 'datetime-local' })),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, 'Filter'),
      h(
        'button',
        {
          type: 'button',
          class: 'quiet',
          onclick: (event) => run(event.currentTarget, results, () => exportCsv(filter)),
        },
        'Export CSV',
      ),
    ),
  )

  async function reload() {
    try {
      const cursor = cursors.at(-1)
      const page = await api(`/v1/suppressions${query({ ...filter, cursor, limit: PAGE_SIZE })}`)
      replace(results, entryTable(page.items, reload), pager(page.nextCursor))
    } catch (e) {
      replace(results, errorBox(e))
    }
  }

  function pager(nextCursor) {
    const go = (change) => () => {
      change()
      reload()
    }
    return h(
      'nav',
      { class: 'pager', 'aria-label': 'Pages of entries' },
      cursors.length
        ? h('button', { type: 'button', class: 'quiet', onclick: go(() => cursors.pop()) }, 'Previous page')
        : null,
      nextCursor
        ? h('button', { type: 'button', class: 'quiet', onclick: go(() => cursors.push(nextCursor)) }, 'Next page')
        : null,
    )
  }

  const section = h('section', { class: 'card' }, h('h2', {}, 'Entries'), filters, results)
  return { section, reload }
}

function entryTable(items, reload) {
  if (items.length === 0) return h('p', { class: 'empty' }, 'No entries.')
  return table(
    'Suppression entries, newest first',
    ['Type', 'Value', 'Reason', 'Source', 'Comment', 'Created', 'Expires', ''],
    items.map((e) => [
      e.type,
      e.value,
      e.reason,
      e.source ?? '',
      e.comment ?? '',
      time(e.createdAt),
      time(e.expiresAt),
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          'aria-label': `Delete ${e.type} ${e.value}`,
          onclick: (event) =>
            run(event.currentTarget, null, async () => {
              await api(entryPath(e), { method: 'DELETE' })
              notify(`Deleted ${e.type} ${e.value}.`)
              await reload()
            }),
        },
        'Delete',
      ),
    ]),
  )
}

/** The export needs the Authorization header, so it is fetched and handed to the browser as a file. */
async function exportCsv(filter) {
  const csv = await api(`/v1/suppressions/export${query(filter)}`)
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }))
  const link = h('a', { href: url, download: 'suppressions.csv', hidden: true })
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
  notify('Export downloaded as suppressions.csv.')
}

function importSection(reload) {
  const out = h('div', { 'aria-live': 'polite' })
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,text/csv', required: true })
  const form = h(
    'form',
    {
      'aria-label': 'Import CSV',
      onsubmit: (event) => {
        event.preventDefault()
        const chosen = file.files?.[0]
        if (!chosen) return
        run(event.submitter, out, async () => {
          const report = await api('/v1/suppressions/import', {
            method: 'POST',
            body: await chosen.text(),
            type: 'text/csv',
          })
          replace(out, importReport(report))
          await reload()
        })
      },
    },
    field('CSV file', file, 'columns type,value,reason[,comment]; header row optional; at most 1 MB'),
    h('button', { type: 'submit' }, 'Import'),
  )
  return h('section', { class: 'card' }, h('h2', {}, 'Import CSV'), form, out)
}

function importReport({ imported, failed }) {
  return h(
    'div',
    { class: 'import-report' },
    h(
      'p',
      {},
      `Imported ${imported} ${imported === 1 ? 'entry' : 'entries'}; ${failed.length} ${failed.length === 1 ? 'line' : 'lines'} failed.`,
    ),
    failed.length
      ? table(
          'Lines not imported',
          ['Line', 'Value', 'Reason'],
          failed.map((f) => [String(f.line), f.value ?? '', f.reason]),
        )
      : null,
  )
}

function bulkDeleteSection(reload) {
  const out = h('div', { 'aria-live': 'polite' })
  const confirm = h('div', {})
  let previewed = null
  const form = h(
    'form',
    {
      'aria-label': 'Bulk delete',
      oninput: () => {
        previewed = null
        replace(confirm)
      },
      onsubmit: (event) => {
        event.preventDefault()
        const v = formValues(form)
        const body = Object.fromEntries(
          Object.entries({
            reason: v.reason,
            domain: v.domain,
            since: isoFromLocal(v.since),
            until: isoFromLocal(v.until),
          }).filter(([, x]) => x),
        )
        run(event.submitter, out, async () => {
          const { matched } = await api('/v1/suppressions/bulk-delete?dryRun=true', { method: 'POST', body })
          previewed = body
          replace(out, h('p', { class: 'preview' }, `${matched} ${matched === 1 ? 'entry matches' : 'entries match'}.`))
          replace(
            confirm,
            matched > 0
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'danger',
                    onclick: (e) =>
                      run(e.currentTarget, out, async () => {
                        const { deleted } = await api('/v1/suppressions/bulk-delete', {
                          method: 'POST',
                          body: previewed,
                        })
                        replace(confirm)
                        replace(out, h('p', {}, `Deleted ${deleted} ${deleted === 1 ? 'entry' : 'entries'}.`))
                        await reload()
                      }),
                  },
                  `Delete ${matched} ${matched === 1 ? 'entry' : 'entries'}`,
                )
              : null,
          )
        })
      },
    },
    h(
      'div',
      { class: 'row' },
      field('Reason', select('reason', [['', 'any'], ...reasons])),
      field('Domain', h('input', { name: 'domain', placeholder: 'example.com' })),
    ),
    h(
      'div',
      { class: 'row' },
      field('Since', h('input', { name: 'since', type: 'datetime-local' })),
      field('Until', h('input', { name: 'until', type: 'datetime-local' })),
    ),
    h('button', { type: 'submit' }, 'Preview count'),
  )
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, 'Bulk delete'),
    h(
      'p',
      { class: 'muted' },
      'Undo false bounces of an ISP outage: preview how many entries match, then delete them.',
    ),
    form,
    out,
    confirm,
  )
}
