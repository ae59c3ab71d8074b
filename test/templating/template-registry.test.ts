import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadTemplates } from '../../src/templating/template-registry.ts'
import { registryOf, templateDir } from './template-dir.ts'

describe('loadTemplates', () => {
  it('registers template folders with their channels and meta', async () => {
    const registry = await registryOf({
      'welcome/email.subject.hbs': 'Hi',
      'welcome/email.html.hbs': '<p>Hi</p>',
      'welcome/meta.json': '{"category":"marketing","description":"Hello","requiredData":["user.name"]}',
      'otp/sms.hbs': 'Code {{code}}',
      'app-news/push.json.hbs': '{"title":"x"}',
      'hook/action.json.hbs': '{}',
      'text-only/email.text.hbs': 'Hi',
    })
    expect(registry.names()).toEqual(['app-news', 'hook', 'otp', 'text-only', 'welcome'])
    expect(registry.channelsOf('welcome')).toEqual(['email'])
    expect(registry.channelsOf('text-only')).toEqual(['email'])
    expect(registry.channelsOf('otp')).toEqual(['sms', 'mms'])
    expect(registry.channelsOf('app-news')).toEqual(['push'])
    expect(registry.channelsOf('hook')).toEqual(['action'])
    expect(registry.channelsOf('nope')).toEqual([])
    expect(registry.meta('welcome')).toEqual({
      category: 'marketing',
      description: 'Hello',
      requiredData: ['user.name'],
    })
    expect(registry.meta('otp')).toEqual({})
    expect(registry.meta('nope')).toBeUndefined()
    expect(registry.get('welcome')?.files['email.html.hbs']?.({})).toBe('<p>Hi</p>')
  })

  it('ignores folders whose name does not match the template name pattern, and stray files', async () => {
    const registry = await registryOf({
      'Upper/sms.hbs': 'x',
      '_private/sms.hbs': 'x',
      '.hidden/sms.hbs': 'x',
      [`${'a'.repeat(65)}/sms.hbs`]: 'x',
      [`${'a'.repeat(64)}/sms.hbs`]: 'x',
      'ok_Name-2/sms.hbs': 'x',
      'empty/notes.txt': 'not a template file',
      'loose.hbs': 'x',
    })
    expect(registry.names()).toEqual(['a'.repeat(64), 'ok_Name-2'])
  })

  it('gives an empty registry for a missing dir', async () => {
    const registry = await loadTemplates({ dir: join(templateDir({}), 'missing') })
    expect(registry.names()).toEqual([])
    expect(registry.get('anything')).toBeUndefined()
  })

  it('does not turn names into paths', async () => {
    const registry = await registryOf({ 'a/sms.hbs': 'x' })
    expect(registry.get('../a')).toBeUndefined()
    expect(registry.get('a/../a')).toBeUndefined()
    expect(registry.get('constructor')).toBeUndefined()
  })

  it('refuses a template with a syntax error, naming the file and line', async () => {
    const dir = templateDir({ 'broken/email.html.hbs': '<p>\n{{#if x}}\n<b>{{y}}</b>\n' })
    const path = join(dir, 'broken', 'email.html.hbs')
    await expect(loadTemplates({ dir })).rejects.toThrow(`${path}:4`)
  })

  it('refuses mismatched blocks and unknown helpers with their line', async () => {
    const mismatched = templateDir({ 'b/sms.hbs': 'a\n{{#if x}}b{{/each}}' })
    await expect(loadTemplates({ dir: mismatched })).rejects.toThrow(`${join(mismatched, 'b', 'sms.hbs')}:2`)
    const unknownHelper = templateDir({ 'b/sms.hbs': 'a\nb\n{{shout name}}' })
    await expect(loadTemplates({ dir: unknownHelper })).rejects.toThrow(
      new RegExp(`${join(unknownHelper, 'b', 'sms.hbs')}:3: .*unknown helper shout`),
    )
  })

  it('offers {{json}} only in JSON templates and never {{log}}', async () => {
    await expect(registryOf({ 'b/sms.hbs': '{{json x}}' })).rejects.toThrow(/sms\.hbs:1: .*unknown helper json/)
    await expect(registryOf({ 'b/sms.hbs': '{{log x}}' })).rejects.toThrow(/unknown helper log/)
  })

  it('refuses an invalid meta.json, naming the file and line', async () => {
    const syntax = templateDir({ 'm/sms.hbs': 'x', 'm/meta.json': '{\n  "category": "marketing",\n}' })
    await expect(loadTemplates({ dir: syntax })).rejects.toThrow(`${join(syntax, 'm', 'meta.json')}:3`)
    const badField = templateDir({
      'm/sms.hbs': 'x',
      'm/meta.json': '{\n  "description": "d",\n  "category": "promo"\n}',
    })
    await expect(loadTemplates({ dir: badField })).rejects.toThrow(
      `${join(badField, 'm', 'meta.json')}:3: "category" must be "transactional" or "marketing"`,
    )
    await expect(registryOf({ 'm/sms.hbs': 'x', 'm/meta.json': '{"requiredData": "a"}' })).rejects.toThrow(
      /meta\.json:1: "requiredData" must be an array/,
    )
    await expect(registryOf({ 'm/sms.hbs': 'x', 'm/meta.json': '{"requireData": []}' })).rejects.toThrow(
      /"requireData" unknown field/,
    )
    await expect(registryOf({ 'm/sms.hbs': 'x', 'm/meta.json': '{"channel": "fax"}' })).rejects.toThrow(
      /"channel" must be one of/,
    )
    await expect(registryOf({ 'm/sms.hbs': 'x', 'm/meta.json': '[]' })).rejects.toThrow(/meta\.json:1: must be a JSON/)
  })
})
