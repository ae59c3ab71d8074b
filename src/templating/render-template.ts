import { TemplateError } from '../domain/errors.ts'
import type { Channel, RenderedContent } from '../domain/message.ts'
import { htmlToText } from './html-to-text.ts'
import { toPushContent } from './push-content.ts'
import { firstMissingPath } from './required-data.ts'
import type { TemplateFileName } from './template-files.ts'
import type { LoadedTemplate, TemplateRegistry } from './template-registry.ts'

/** What intake asks for: a template name from the request, the channel, and the request's `data`. */
export interface RenderRequest {
  name: string
  channel: Channel
  data?: unknown
}

/**
 * Renders a template once, at intake, into the content that is stored and never re-rendered. Every problem
 * (unknown template, channel it lacks, missing data, bad JSON output) is a `TemplateError` (422), thrown before
 * the store is touched.
 */
export function renderTemplate(
  registry: TemplateRegistry,
  { name, channel, data = {} }: RenderRequest,
): RenderedContent {
  const template = registry.get(name)
  if (!template) throw new TemplateError(`Unknown template "${name}"`)
  if (!registry.channelsOf(name).includes(channel)) {
    throw new TemplateError(`Template "${name}" does not support channel "${channel}"`)
  }
  const missing = firstMissingPath(data, template.meta.requiredData ?? [])
  if (missing !== undefined) throw new TemplateError(`Missing required data "${missing}" for template "${name}"`)
  const render = (file: TemplateFileName) => renderFile(template, file, data)
  switch (channel) {
    case 'email':
      return renderEmail(render)
    case 'sms':
    case 'mms':
      return { body: (render('sms.hbs') ?? '').trim() }
    case 'push':
      return { push: toPushContent(parseJson(template, 'push.json.hbs', render), `Template "${name}" (push.json.hbs)`) }
    case 'action':
      return { json: parseJson(template, 'action.json.hbs', render) }
    default:
      throw new TemplateError(`Template "${name}" does not support channel "${channel}"`)
  }
}

function renderEmail(render: (file: TemplateFileName) => string | undefined): RenderedContent {
  const content: RenderedContent = {}
  const subject = render('email.subject.hbs')
  const html = render('email.html.hbs')
  const text = render('email.text.hbs') ?? (html === undefined ? undefined : htmlToText(html))
  // A line break in a subject would end the header: it becomes a space.
  if (subject !== undefined) content.subject = subject.replace(/[\r\n]+/g, ' ').trim()
  if (html !== undefined) content.html = html
  if (text !== undefined) content.text = text
  return content
}

function renderFile(template: LoadedTemplate, file: TemplateFileName, data: unknown): string | undefined {
  const render = template.files[file]
  if (!render) return undefined
  try {
    return render(data)
  } catch (error) {
    if (error instanceof TemplateError) throw error
    const reason = error instanceof Error ? error.message : String(error)
    throw new TemplateError(`Template "${template.name}" (${file}) failed to render: ${reason}`, error)
  }
}

function parseJson(
  template: LoadedTemplate,
  file: TemplateFileName,
  render: (file: TemplateFileName) => string | undefined,
): unknown {
  const output = render(file) ?? ''
  try {
    return JSON.parse(output)
  } catch (error) {
    const reason = (error as Error).message
    throw new TemplateError(`Template "${template.name}" (${file}) did not render valid JSON: ${reason}`, error)
  }
}
