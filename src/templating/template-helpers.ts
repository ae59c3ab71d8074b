import type Handlebars from 'handlebars'
import { TemplateError } from '../domain/errors.ts'
import { rawHelper, valueHelper } from './strict-variables.ts'
import type { Escaping } from './template-files.ts'

/** The part of Handlebars' helper options these helpers read (`loc` is passed at runtime but not typed). */
interface CallOptions {
  hash?: Record<string, unknown>
  loc?: { start?: { line?: number } }
}

/**
 * Helpers for one template file. They carry the file's escaping and name, so a precompiled template (a Worker
 * build) only needs these registered on a runtime environment to behave exactly like one compiled here.
 */
export function templateHelpers({
  escaping,
  template,
  file,
}: {
  escaping: Escaping
  template: string
  file: string
}): Handlebars.HelperDeclareSpec {
  const where = `in template "${template}" (${file})`
  const present = (value: unknown, path: string, options: CallOptions): unknown => {
    if (value !== undefined) return value
    const line = options.loc?.start?.line
    throw new TemplateError(`Missing variable "${path}" ${where}${line ? `, line ${line}` : ''}`)
  }
  const helpers: Handlebars.HelperDeclareSpec = {
    [valueHelper]: (value: unknown, path: string, options: CallOptions) => {
      const checked = present(value, path, options)
      return escaping === 'json' ? jsonStringContent(checked) : checked
    },
    [rawHelper]: (value: unknown, path: string, options: CallOptions) => present(value, path, options),
  }
  if (escaping === 'json') {
    helpers.json = (...args: unknown[]) => {
      const options = args.at(-1) as CallOptions
      if (args.length !== 2) throw new TemplateError(`{{json}} takes exactly one value ${where}`)
      const path = typeof options.hash?.path === 'string' ? options.hash.path : 'json argument'
      return rawJson(present(args[0], path, options), `{{json ${path}}} ${where}`)
    }
  }
  return helpers
}

/** The characters of a value as they go between JSON quotes; `null` writes nothing, like Handlebars does. */
function jsonStringContent(value: unknown): string {
  if (value === null) return ''
  return JSON.stringify(String(value)).slice(1, -1)
}

function rawJson(value: unknown, what: string): string {
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch (error) {
    throw new TemplateError(`${what} cannot be written as JSON: ${(error as Error).message}`, error)
  }
  if (json === undefined) throw new TemplateError(`${what} cannot be written as JSON (a ${typeof value})`)
  return json
}
