import { ApiError, api, session } from './api.js'
import { field, h, replace } from './dom.js'
import { limitsPage } from './pages/limits.js'
import { messagePage } from './pages/message.js'
import { messagesPage } from './pages/messages.js'
import { outboxPage } from './pages/outbox.js'
import { suppressionPage } from './pages/suppression.js'
import { trafficPage } from './pages/traffic.js'
import { errorText, heading, notify } from './ui.js'

/** Hash routes: `#/messages?to=…` keeps each view linkable and the browser's back button working. */
const routes = [
  [/^\/messages\/([^/]+)$/, messagePage],
  [/^\/messages$/, messagesPage],
  [/^\/suppression$/, suppressionPage],
  [/^\/limits$/, limitsPage],
  [/^\/traffic$/, trafficPage],
  [/^\/outbox$/, outboxPage],
]

const main = document.getElementById('main')
const nav = document.getElementById('nav')
const signOutButton = document.getElementById('sign-out')
let cleanup = null
let renders = 0
let signInNotice = ''

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/messages'
  const [path, search = ''] = raw.split('?')
  return { path, params: new URLSearchParams(search) }
}

function signInView() {
  const input = h('input', { type: 'password', name: 'key', required: true, autocomplete: 'off', spellcheck: 'false' })
  const error = h('p', { class: 'error', role: 'alert' }, signInNotice)
  signInNotice = ''
  const button = h('button', { type: 'submit' }, 'Sign in')
  const form = h(
    'form',
    {
      class: 'card sign-in',
      onsubmit: async (event) => {
        event.preventDefault()
        const key = input.value.trim()
        button.disabled = true
        error.textContent = ''
        try {
          await api('/v1/messages?limit=1', { key })
          session.signIn(key)
          if (!location.hash || location.hash === '#/sign-in') location.hash = '#/messages'
          else render()
        } catch (e) {
          error.textContent =
            e instanceof ApiError && e.status === 401
              ? 'Sign-in failed: the gateway did not accept this API key.'
              : e instanceof ApiError && e.status === 403
                ? 'Sign-in failed: this key may not read messages (it needs the send or admin scope).'
                : `Sign-in failed: ${e.message}`
          input.focus()
        } finally {
          button.disabled = false
        }
      },
    },
    heading('Sign in'),
    h('p', {}, 'Use an API key of your sandbox. It is kept for this browser tab only.'),
    field('API key', input),
    button,
    error,
  )
  return form
}

async function render() {
  const token = ++renders
  cleanup?.()
  cleanup = null
  const signedIn = Boolean(session.key)
  nav.hidden = !signedIn
  signOutButton.hidden = !signedIn
  if (!signedIn) {
    replace(main, signInView())
    main.querySelector('input')?.focus()
    return
  }
  const { path, params } = parseHash()
  for (const link of nav.querySelectorAll('a')) {
    if (path.startsWith(link.getAttribute('href').slice(1))) link.setAttribute('aria-current', 'page')
    else link.removeAttribute('aria-current')
  }
  const route = routes.find(([pattern]) => pattern.test(path))
  const view = h('div', { class: 'page' })
  replace(main, view)
  if (!route) {
    replace(view, heading('Not found'), h('p', {}, h('a', { href: '#/messages' }, 'Go to messages')))
    return
  }
  const [pattern, page] = route
  const args = path.match(pattern).slice(1).map(decodeURIComponent)
  try {
    const stop = await page(view, { args, params })
    // A newer navigation started meanwhile: this page is already gone, so stop its timers now.
    if (token === renders) cleanup = stop ?? null
    else stop?.()
  } catch (e) {
    view.append(h('p', { class: 'error', role: 'alert' }, errorText(e)))
  }
  if (token !== renders) return
  if (!main.contains(document.activeElement) || document.activeElement === document.body)
    view.querySelector('h1')?.focus()
}

signOutButton.addEventListener('click', () => {
  session.signOut()
  notify('Signed out.')
  render()
})
window.addEventListener('sendgate:unauthorized', () => {
  session.signOut()
  signInNotice = 'The gateway no longer accepts this API key: sign in again.'
  render()
})
window.addEventListener('hashchange', () => {
  notify('')
  render()
})
render()
