import { ApiError } from './api.js'
import { h } from './dom.js'

/** One line in the polite live region: results of actions (deleted, deployed, …). */
export function notify(text) {
  const line = document.getElementById('status')
  if (line) line.textContent = text
}

/** What to tell the operator about a failed call. */
export function errorText(e) {
  if (e instanceof ApiError && e.status === 403) return 'This API key lacks the scope for this (admin is needed).'
  if (!(e instanceof ApiError)) return e?.message ?? String(e)
  const fields = (e.problem?.errors ?? []).map((f) => `${f.path}: ${f.message}`).join('; ')
  const code = e.problem?.code ? ` ${e.problem.code}` : ''
  return `${e.message}${fields && !e.message.includes(fields) ? ` (${fields})` : ''} [${e.status}${code}]`
}

/** An alert paragraph for a failed call. */
export function errorBox(e) {
  return h('p', { class: 'error', role: 'alert' }, errorText(e))
}

/**
 * Runs `action` for a button: disables it while running, reports failure in `out` (or the status line).
 * Returns what the action returned, or undefined when it failed.
 */
export async function run(button, out, action) {
  if (button) button.disabled = true
  try {
    return await action()
  } catch (e) {
    if (out) out.replaceChildren(errorBox(e))
    else notify(errorText(e))
    return undefined
  } finally {
    if (button) button.disabled = false
  }
}

/** A page heading the router focuses after navigation (keyboard and screen-reader users land on it). */
export function heading(text) {
  return h('h1', { tabindex: '-1' }, text)
}
