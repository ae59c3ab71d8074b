import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Channel } from '../domain/message.ts'
import { compileTemplateFile, type RenderFile } from './compile-template-file.ts'
import { channelsOfFiles, type TemplateFileName, templateFileNames } from './template-files.ts'
import { parseTemplateMeta, type TemplateMeta } from './template-meta.ts'

/** Folder names that are templates; anything else under the templates dir is ignored. */
export const templateNamePattern = /^[a-z0-9][a-zA-Z0-9_-]{0,63}$/

/** One template, compiled: the render function of each file it ships, and its meta. */
export interface LoadedTemplate {
  name: string
  meta: TemplateMeta
  files: Partial<Record<TemplateFileName, RenderFile>>
}

/** Templates by name. Requests only ever look names up here; a name never becomes a path. */
export interface TemplateRegistry {
  get(name: string): LoadedTemplate | undefined
  names(): string[]
  channelsOf(name: string): Channel[]
  meta(name: string): TemplateMeta | undefined
}

/** A registry over templates compiled anywhere: from disk here, or from precompiled specs in a Worker. */
export function createTemplateRegistry({ templates }: { templates: Iterable<LoadedTemplate> }): TemplateRegistry {
  const byName = new Map<string, LoadedTemplate>()
  for (const template of templates) byName.set(template.name, template)
  const channelsByName = new Map([...byName].map(([name, t]) => [name, channelsOfFiles(fileNamesOf(t))]))
  return {
    get: (name) => byName.get(name),
    names: () => [...byName.keys()].sort(),
    channelsOf: (name) => [...(channelsByName.get(name) ?? [])],
    meta: (name) => byName.get(name)?.meta,
  }
}

/**
 * Reads and compiles every `dir/<name>/` template once, at start. A broken file throws an Error naming its
 * path and line, so the gateway does not start with a template that would fail at request time. A missing
 * `dir` gives an empty registry.
 */
export async function loadTemplates({ dir }: { dir: string }): Promise<TemplateRegistry> {
  let entries: { name: string; isDirectory(): boolean }[]
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return createTemplateRegistry({ templates: [] })
    throw error
  }
  const names = entries.filter((e) => e.isDirectory() && templateNamePattern.test(e.name)).map((e) => e.name)
  const templates = await Promise.all(names.map((name) => loadTemplate(join(dir, name), name)))
  return createTemplateRegistry({ templates: templates.filter((t) => t !== undefined) })
}

async function loadTemplate(folder: string, name: string): Promise<LoadedTemplate | undefined> {
  const files: LoadedTemplate['files'] = {}
  for (const file of templateFileNames) {
    const path = join(folder, file)
    const source = await readOptional(path)
    if (source !== undefined) files[file] = compileTemplateFile({ source, file, template: name, path })
  }
  if (Object.keys(files).length === 0) return undefined
  const metaPath = join(folder, 'meta.json')
  const metaSource = await readOptional(metaPath)
  const meta = metaSource === undefined ? {} : parseTemplateMeta({ source: metaSource, path: metaPath })
  return { name, meta, files }
}

/** A file's text, or undefined when it does not exist (templates hold only the files they need). */
export async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

function fileNamesOf(template: LoadedTemplate): TemplateFileName[] {
  return templateFileNames.filter((file) => template.files[file] !== undefined)
}
