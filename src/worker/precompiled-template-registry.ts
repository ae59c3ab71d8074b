import Handlebars from 'handlebars/runtime'
import type { RenderFile } from '../templating/compile-template-file.ts'
import {
  channelsOfFiles,
  type TemplateFileName,
  templateFileNames,
  templateFiles,
} from '../templating/template-files.ts'
import { templateHelpers } from '../templating/template-helpers.ts'
import type { TemplateMeta } from '../templating/template-meta.ts'
import type { LoadedTemplate, TemplateRegistry } from '../templating/template-registry.ts'

/** A Handlebars spec as `Handlebars.precompile` writes it, bundled as code (never evaluated from text). */
export type TemplateSpec = Parameters<typeof Handlebars.template>[0]

/** One template as the Worker build emits it: its meta and the precompiled spec of each file. */
export interface PrecompiledTemplate {
  name: string
  meta: TemplateMeta
  files: Partial<Record<TemplateFileName, TemplateSpec>>
}

/**
 * The Worker's template registry: precompiled specs bound to the very helpers the Node gateway registers
 * (strict variables, per-file escaping), each file in an environment of its own, on the Handlebars runtime
 * only (no compiler, no `new Function`). Same lookups as `createTemplateRegistry`, without its disk loader.
 */
export function precompiledTemplateRegistry({ templates }: { templates: PrecompiledTemplate[] }): TemplateRegistry {
  const byName = new Map<string, LoadedTemplate>()
  for (const template of templates) {
    const files: LoadedTemplate['files'] = {}
    for (const file of templateFileNames) {
      const spec = template.files[file]
      if (spec) files[file] = bind(spec, file, template.name)
    }
    byName.set(template.name, { name: template.name, meta: template.meta, files })
  }
  const channelsByName = new Map(
    [...byName].map(([name, t]) => [name, channelsOfFiles(templateFileNames.filter((f) => t.files[f]))]),
  )
  return {
    get: (name) => byName.get(name),
    names: () => [...byName.keys()].sort(),
    channelsOf: (name) => [...(channelsByName.get(name) ?? [])],
    meta: (name) => byName.get(name)?.meta,
  }
}

function bind(spec: TemplateSpec, file: TemplateFileName, template: string): RenderFile {
  const env = Handlebars.create()
  env.registerHelper(templateHelpers({ escaping: templateFiles[file], template, file }))
  const render = env.template(spec)
  return (data) => render(data)
}
