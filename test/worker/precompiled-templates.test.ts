import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { Channel } from '../../src/domain/message.ts'
import { loadScripts } from '../../src/store/redis/redis-scripts.ts'
import { renderTemplate } from '../../src/templating/render-template.ts'
import { loadTemplates, type TemplateRegistry } from '../../src/templating/template-registry.ts'
import { generateWorkerModules } from '../../src/worker/build/generate-worker-modules.ts'
import {
  type PrecompiledTemplate,
  precompiledTemplateRegistry,
} from '../../src/worker/precompiled-template-registry.ts'

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

function writeTemplates(files: Record<string, string>): string {
  const dir = tempDir('sendgate-worker-templates-')
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), source)
  }
  return dir
}

/** Builds the Worker modules from `dir` as wrangler's build step does, and loads them as the bundle would. */
async function build(dir: string) {
  const out = tempDir('sendgate-worker-modules-')
  const paths = await generateWorkerModules({ templatesDir: dir, out })
  const templates = (await import(pathToFileURL(paths.templates).href)) as {
    precompiledTemplates: PrecompiledTemplate[]
  }
  const scripts = (await import(pathToFileURL(paths.scripts).href)) as { luaScripts: unknown }
  return { registry: precompiledTemplateRegistry({ templates: templates.precompiledTemplates }), scripts }
}

type Outcome = { ok: true; content: unknown } | { ok: false; error: string; message: string; status?: number }

function outcome(registry: TemplateRegistry, name: string, channel: Channel, data: unknown): Outcome {
  try {
    return { ok: true, content: renderTemplate(registry, { name, channel, data }) }
  } catch (e) {
    const error = e as Error & { status?: number }
    return { ok: false, error: error.name, message: error.message, status: error.status }
  }
}

/** Every template × channel it serves (plus one it lacks) × each data set: both registries answer alike. */
function expectSameRendering(node: TemplateRegistry, worker: TemplateRegistry, datasets: unknown[]) {
  expect(worker.names()).toEqual(node.names())
  let compared = 0
  for (const name of node.names()) {
    expect(worker.meta(name)).toEqual(node.meta(name))
    expect(worker.channelsOf(name)).toEqual(node.channelsOf(name))
    for (const channel of [...node.channelsOf(name), 'action' as const, 'push' as const])
      for (const [i, data] of datasets.entries()) {
        expect(outcome(worker, name, channel, data), `${name} ${channel} data #${i}`).toEqual(
          outcome(node, name, channel, data),
        )
        compared++
      }
  }
  return compared
}

describe('Worker build: precompiled templates render as the Node gateway renders', () => {
  it('the shipped templates, with full, partial, hostile and empty data', async () => {
    const { registry } = await build('templates')
    const node = await loadTemplates({ dir: 'templates' })
    const full = {
      firstName: 'Ana <b>&amp;</b> "Q"',
      orderId: 'A-1',
      total: '42.00',
      items: [{ name: 'Mug & <Cup>', quantity: 2, price: '9.00' }],
      resetUrl: 'https://example.com/reset?t=1&u="2"',
      cartUrl: 'https://example.com/cart',
      lastProduct: 'Lamp\nwith "quotes"',
      cartAmount: '19.99',
      context: {
        offerCode: 'OFF-1',
        firstName: 'Bo',
        offerDescription: 'x',
        offerUrl: 'https://e.x/o',
        expiresOn: 'soon',
      },
    }
    const datasets = [
      full,
      { firstName: 'Ana', orderId: 'A-2', total: null, items: [] },
      { ...full, items: [{ name: 'Only a name' }] },
      { orderId: 'A-3', total: '1', firstName: 'Z', context: { offerCode: 'X' } },
      {},
    ]
    expect(expectSameRendering(node, registry, datasets)).toBeGreaterThan(50)
  })

  it('ad-hoc templates covering every escaping rule, strict variables and JSON output', async () => {
    const files = {
      'j/push.json.hbs': '{"title": "{{title}}", "body": "{{{raw}}}", "n": {{json n}}, "o": {{json obj}}}',
      'j/action.json.hbs':
        '{"a": {{json a.b}}, "list": [{{#each list}}"{{this}}"{{#unless @last}},{{/unless}}{{/each}}]}',
      'j/sms.hbs': '{{#if maybe}}{{maybe}}{{else}}none{{/if}} {{deep.path.value}}',
      'j/email.subject.hbs': 'Hi\r\n{{title}}',
      'j/email.html.hbs': '<p>{{title}}</p><p>{{{raw}}}</p>{{#each list}}<i>{{@index}}:{{this}}</i>{{/each}}',
      'j/meta.json': '{"category": "marketing", "requiredData": ["title"]}',
      'k/email.text.hbs': '{{#with who}}{{name}}{{/with}} and {{missing.one}}',
    }
    const dir = writeTemplates(files)
    const { registry } = await build(dir)
    const node = await loadTemplates({ dir })
    const datasets = [
      {
        title: 'A "title" \\ with </script> & \n newline',
        raw: '<b>raw</b>',
        n: 3.5,
        obj: { x: [1, 'two', null] },
        a: { b: { c: true } },
        list: ['x', 'y"z'],
        maybe: 'yes',
        deep: { path: { value: 'v' } },
        who: { name: 'Ana' },
        missing: { one: 1 },
      },
      { title: 'only a title', raw: null, n: undefined, list: [] },
      { title: 't', raw: 'r', n: 1, obj: () => 1, a: { b: 1n }, list: [], deep: { path: {} } },
      { title: 't', raw: 'r', n: 1, obj: 1, a: { b: 2 }, list: [], deep: { path: { value: null } }, who: {} },
      {},
    ]
    expect(expectSameRendering(node, registry, datasets)).toBeGreaterThan(20)
  })

  it('a broken template fails the build with the message the Node gateway refuses to start with', async () => {
    const dir = writeTemplates({ 'bad/sms.hbs': 'line one\n{{#if x}}never closed' })
    const nodeError = await loadTemplates({ dir }).then(
      () => null,
      (e: Error) => e.message,
    )
    expect(nodeError).toMatch(/^Broken template .*bad\/sms\.hbs:2/)
    await expect(build(dir)).rejects.toThrow(nodeError ?? 'unreachable')
  })

  it('bundles the Lua scripts exactly as the Node Redis store composes them', async () => {
    const { scripts } = await build(writeTemplates({}))
    expect(scripts.luaScripts).toEqual(loadScripts())
  })
})
