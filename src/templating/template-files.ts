import type { Channel } from '../domain/message.ts'

/** How a template file's `{{value}}` output is written: the escaping follows the file, not the author. */
export type Escaping = 'html' | 'none' | 'json'

/** The files a template folder may hold (SPEC section 11); anything else in the folder is ignored. */
export const templateFiles = {
  'email.subject.hbs': 'none',
  'email.html.hbs': 'html',
  'email.text.hbs': 'none',
  'sms.hbs': 'none',
  'push.json.hbs': 'json',
  'action.json.hbs': 'json',
} as const satisfies Record<string, Escaping>

export type TemplateFileName = keyof typeof templateFiles

export const templateFileNames = Object.keys(templateFiles) as TemplateFileName[]

/** Which channels a set of files can serve, so intake can refuse a channel before rendering. */
export function channelsOfFiles(files: Iterable<TemplateFileName>): Channel[] {
  const present = new Set(files)
  const result: Channel[] = []
  if (present.has('email.subject.hbs') || present.has('email.html.hbs') || present.has('email.text.hbs')) {
    result.push('email')
  }
  if (present.has('sms.hbs')) result.push('sms', 'mms')
  if (present.has('push.json.hbs')) result.push('push')
  if (present.has('action.json.hbs')) result.push('action')
  return result
}
