/**
 * `h('a', {href, onclick}, 'text', child)`: builds elements without innerHTML, so every value from the
 * API lands as text. `on*` attributes become listeners; `null`, `undefined` and `false` are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value)
    else if (name in el && typeof value !== 'string') el[name] = value
    else el.setAttribute(name, value === true ? '' : String(value))
  }
  append(el, children)
  return el
}

/** Appends strings, numbers, nodes and (nested) arrays of them. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue
    parent.append(child instanceof Node ? child : String(child))
  }
  return parent
}

/** Replaces an element's content. */
export function replace(el, ...children) {
  el.replaceChildren()
  return append(el, children)
}

/** A labelled form control: `<label>Text <input …></label>` keeps label and control tied without ids. */
export function field(label, control, hint) {
  return h('label', { class: 'field' }, h('span', {}, label), control, hint ? h('small', {}, hint) : null)
}

/** A `<select>` from `[value, text]` pairs (or plain strings). */
export function select(name, options, selected = '') {
  return h(
    'select',
    { name },
    options.map((o) => {
      const [value, text] = Array.isArray(o) ? o : [o, o]
      return h('option', { value, defaultSelected: value === selected }, text)
    }),
  )
}

/** A table with a caption; `rows` are arrays of cells (strings or nodes). */
export function table(caption, headers, rows) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', {}, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((cells) =>
          h(
            'tr',
            {},
            cells.map((c, i) => h('td', { 'data-label': headers[i] ?? '' }, c)),
          ),
        ),
      ),
    ),
  )
}

/** The form's named values as a plain object of trimmed strings. */
export function formValues(form) {
  const out = {}
  for (const [name, value] of new FormData(form)) if (typeof value === 'string') out[name] = value.trim()
  return out
}
