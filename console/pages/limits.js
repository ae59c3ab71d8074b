import { api } from '../api.js'
import { field, formValues, h, replace, table } from '../dom.js'
import { duration } from '../format.js'
import { errorBox, heading, notify, run } from '../ui.js'

const REFRESH_MS = 2000
const methods = ['POST', 'PUT', 'GET']

/**
 * Limits: live use of every limit key (caps, throttles, pacing) from `GET /v1/limits`, refreshed every
 * 2 s, and the endpoint (capping) and throttling configs that define them: create, deploy, undeploy.
 */
export async function limitsPage(view) {
  const bars = h('div', { class: 'bars' }, h('p', { class: 'muted' }, 'Loading…'))
  const endpoint = configSection({
    title: 'Endpoint configs (capping)',
    base: '/v1/endpoint-configs',
    headers: ['URL', 'Methods', 'Rating', 'Connections', 'State'],
    row: (c) => {
      const s = c.services?.action ?? c.services?.dataSource ?? {}
      return [
        c.url,
        (c.methods ?? []).join(', '),
        s.rating ? `${s.rating.maxCallsCount} per ${duration(s.rating.periodInMs)}` : '',
        s.maxHttpConnections === undefined || s.maxHttpConnections < 0 ? 'unlimited' : String(s.maxHttpConnections),
      ]
    },
    fields: () => [
      h(
        'div',
        { class: 'row' },
        field(
          'URL',
          h('input', { name: 'url', type: 'url', required: true, placeholder: 'https://api.example.com/*' }),
        ),
      ),
      methodBoxes(),
      h(
        'div',
        { class: 'row' },
        field('Max calls', h('input', { name: 'maxCallsCount', type: 'number', min: '1', required: true })),
        field(
          'Period (ms)',
          h('input', { name: 'periodInMs', type: 'number', min: '1', required: true, value: '1000' }),
        ),
        field(
          'Max connections',
          h('input', { name: 'maxHttpConnections', type: 'number', min: '1', max: '400' }),
          'optional',
        ),
      ),
    ],
    body: (v, form) => ({
      url: v.url,
      methods: checked(form),
      services: {
        action: {
          ...(v.maxHttpConnections ? { maxHttpConnections: Number(v.maxHttpConnections) } : {}),
          rating: { maxCallsCount: Number(v.maxCallsCount), periodInMs: Number(v.periodInMs) },
        },
      },
    }),
  })
  const throttling = configSection({
    title: 'Throttling config',
    base: '/v1/throttling-configs',
    headers: ['Name', 'URL pattern', 'Methods', 'Max throughput', 'State'],
    row: (c) => [c.name ?? '', c.urlPattern, (c.methods ?? []).join(', '), `${c.maxThroughput}/s`],
    fields: () => [
      h(
        'div',
        { class: 'row' },
        field('Name', h('input', { name: 'name' })),
        field(
          'URL pattern',
          h('input', { name: 'urlPattern', type: 'url', required: true, placeholder: 'https://api.example.com/*' }),
        ),
      ),
      methodBoxes(),
      field(
        'Max throughput (calls/s)',
        h('input', { name: 'maxThroughput', type: 'number', min: '200', max: '5000', required: true }),
      ),
    ],
    body: (v, form) => ({
      ...(v.name ? { name: v.name } : {}),
      urlPattern: v.urlPattern,
      methods: checked(form),
      maxThroughput: Number(v.maxThroughput),
    }),
  })
  replace(
    view,
    heading('Limits'),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Live utilisation'),
      h('p', { class: 'muted' }, 'Refreshed every 2 seconds.'),
      bars,
    ),
    endpoint.section,
    throttling.section,
  )

  let busy = false
  const refresh = async () => {
    if (busy || !bars.isConnected) return
    busy = true
    try {
      const { items } = await api('/v1/limits')
      const names = new Map([
        ...endpoint.items.map((c) => [`config:${c.uid}`, c.url]),
        ...throttling.items.map((c) => [`throttle:${c.uid}`, c.name || c.urlPattern]),
      ])
      replace(
        bars,
        items.length
          ? items.map((item) => bar(item, names.get(item.key)))
          : h('p', { class: 'empty' }, 'No active limit keys.'),
      )
    } catch (e) {
      replace(bars, errorBox(e))
    } finally {
      busy = false
    }
  }
  await Promise.all([endpoint.reload(), throttling.reload()])
  await refresh()
  const timer = setInterval(refresh, REFRESH_MS)
  return () => clearInterval(timer)
}

/** One limit key as a meter: how full its window is right now; `name` is its config's URL or name. */
function bar(item, name) {
  const ratio = item.limit > 0 ? Math.min(1, item.used / item.limit) : 0
  const full = item.used >= item.limit
  const text = `${item.used} of ${item.limit} per ${duration(item.windowMs)}`
  return h(
    'div',
    { class: 'bar-row', 'data-key': item.key },
    h(
      'div',
      { class: 'bar-label' },
      h('span', { class: 'key' }, item.key),
      name ? h('span', {}, name) : null,
      h(
        'span',
        { class: 'muted' },
        ` ${item.kind}${item.slow ? ', slow endpoint' : ''}${item.queued ? `, ${item.queued} queued` : ''}`,
      ),
      h('span', { class: 'bar-value' }, text),
    ),
    h(
      'div',
      {
        class: `bar${full ? ' full' : ratio >= 0.8 ? ' high' : ''}`,
        role: 'meter',
        'aria-label': item.key,
        'aria-valuemin': '0',
        'aria-valuemax': String(item.limit),
        'aria-valuenow': String(Math.min(item.used, item.limit)),
        'aria-valuetext': text,
        'data-full': full ? 'true' : 'false',
      },
      h('span', { style: `width: ${(ratio * 100).toFixed(1)}%` }),
    ),
  )
}

function methodBoxes() {
  return h(
    'fieldset',
    { class: 'methods' },
    h('legend', {}, 'Methods'),
    methods.map((m) =>
      h('label', {}, h('input', { type: 'checkbox', name: 'method', value: m, defaultChecked: m === 'POST' }), ` ${m}`),
    ),
  )
}

const checked = (form) => [...form.querySelectorAll('input[name=method]:checked')].map((i) => i.value)

/** A config kind: its list with deploy/undeploy/delete, and a create form. */
function configSection({ title, base, headers, row, fields, body }) {
  const list = h('div', { 'aria-live': 'polite' })
  const out = h('div', { 'aria-live': 'polite' })
  const path = (c, verb = '') => `${base}/${encodeURIComponent(c.uid)}${verb}`

  const action = (label, c, request, done) =>
    h(
      'button',
      {
        type: 'button',
        class: label === 'Delete' ? 'danger' : 'quiet',
        'aria-label': `${label} ${c.name || c.url || c.urlPattern}`,
        onclick: (event) =>
          run(event.currentTarget, out, async () => {
            await api(...request)
            notify(done)
            replace(out)
            await reload()
          }),
      },
      label,
    )

  let known = []
  async function reload() {
    try {
      const { items } = await api(`${base}?limit=100`)
      known = items
      replace(
        list,
        items.length
          ? table(
              title,
              [...headers, ''],
              items.map((c) => [
                ...row(c),
                h('span', { class: `pill pill-${c.state}` }, c.state),
                h(
                  'div',
                  { class: 'actions' },
                  c.state !== 'deployed'
                    ? action('Deploy', c, [path(c, '/deploy'), { method: 'POST' }], 'Deployed.')
                    : null,
                  c.hasBeenDeployed && c.deployedConfig
                    ? action('Undeploy', c, [path(c, '/undeploy'), { method: 'POST' }], 'Undeployed.')
                    : null,
                  action('Delete', c, [path(c), { method: 'DELETE' }], 'Deleted.'),
                ),
              ]),
            )
          : h('p', { class: 'empty' }, 'None yet.'),
      )
    } catch (e) {
      replace(list, errorBox(e))
    }
  }

  const form = h(
    'form',
    {
      'aria-label': `Create ${title}`,
      onsubmit: (event) => {
        event.preventDefault()
        run(event.submitter, out, async () => {
          const answer = await api(base, { method: 'POST', body: body(formValues(form), form) })
          const warnings = answer?.canDeploy?.warnings ?? []
          replace(
            out,
            warnings.length
              ? h(
                  'p',
                  { class: 'muted' },
                  `Created with warnings: ${warnings.map((w) => w.message ?? w.code).join('; ')}`,
                )
              : null,
          )
          notify('Created: deploy it to enforce it.')
          form.reset()
          await reload()
        })
      },
    },
    fields(),
    h('button', { type: 'submit' }, 'Create'),
  )
  const section = h(
    'section',
    { class: 'card' },
    h('h2', {}, title),
    list,
    h('details', {}, h('summary', {}, 'Create'), form),
    out,
  )
  return {
    section,
    reload,
    get items() {
      return known
    },
  }
}
