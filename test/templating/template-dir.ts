import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { onTestFinished } from 'vitest'
import { loadTemplates, type TemplateRegistry } from '../../src/templating/template-registry.ts'

/** Writes `{'<name>/<file>': source}` into a fresh temp dir, removed when the test ends. */
export function templateDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sendgate-templates-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), source)
  }
  return dir
}

/** A registry loaded from ad-hoc template files. */
export function registryOf(files: Record<string, string>): Promise<TemplateRegistry> {
  return loadTemplates({ dir: templateDir(files) })
}
