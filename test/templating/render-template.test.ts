import { describe, expect, it } from 'vitest'
import { TemplateError } from '../../src/domain/errors.ts'
import { renderTemplate } from '../../src/templating/render-template.ts'
import { registryOf } from './template-dir.ts'

/** Renders one ad-hoc SMS template, the unescaped text case. */
async function sms(source: string, data: unknown) {
  const registry = await registryOf({ 't/sms.hbs': source })
  return renderTemplate(registry, { name: 't', channel: 'sms', data }).body
}

async function smsError(source: string, data: unknown): Promise<TemplateError> {
  const error = await sms(source, data).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(TemplateError)
  return error as TemplateError
}

describe('renderTemplate: lookup errors', () => {
  it('refuses an unknown template by name', async () => {
    const registry = await registryOf({ 'a/sms.hbs': 'x' })
    expect(() => renderTemplate(registry, { name: 'foo', channel: 'sms', data: {} })).toThrow(
      new TemplateError('Unknown template "foo"'),
    )
  })

  it('refuses a channel the template lacks, naming template and channel', async () => {
    const registry = await registryOf({ 'a/sms.hbs': 'x' })
    expect(() => renderTemplate(registry, { name: 'a', channel: 'push', data: {} })).toThrow(
      'Template "a" does not support channel "push"',
    )
    expect(() => renderTemplate(registry, { name: 'a', channel: 'campaign', data: {} })).toThrow(TemplateError)
  })

  it('answers 422 TEMPLATE_ERROR', async () => {
    const registry = await registryOf({ 'a/sms.hbs': 'x' })
    try {
      renderTemplate(registry, { name: 'zzz', channel: 'sms' })
      expect.unreachable()
    } catch (error) {
      expect(error).toMatchObject({ status: 422, code: 'TEMPLATE_ERROR' })
    }
  })
})

describe('renderTemplate: strict variables', () => {
  it('refuses a missing {{path}}, naming the dotted path, template, file and line', async () => {
    const registry = await registryOf({ 'x/email.html.hbs': '<p>\n{{order.total}}</p>' })
    expect(() => renderTemplate(registry, { name: 'x', channel: 'email', data: { order: {} } })).toThrow(
      'Missing variable "order.total" in template "x" (email.html.hbs), line 2',
    )
    expect(() => renderTemplate(registry, { name: 'x', channel: 'email', data: {} })).toThrow(
      'Missing variable "order.total"',
    )
  })

  it('treats a present key holding undefined as missing', async () => {
    expect((await smsError('{{a}}', { a: undefined })).message).toContain('"a"')
  })

  it('does not find names on the prototype', async () => {
    expect((await smsError('{{constructor}}', {})).message).toContain('Missing variable "constructor"')
  })

  it('counts null as present and renders it empty', async () => {
    expect(await sms('[{{a}}][{{{a}}}]', { a: null })).toBe('[][]')
  })

  it('renders falsy values that are present', async () => {
    expect(await sms('{{a}} {{b}} {{c}}', { a: 0, b: false, c: '' })).toBe('0 false')
  })

  it('allows #if, #unless, #each and #with on missing values', async () => {
    const source =
      '{{#if a}}A{{else}}no-a{{/if}}|{{#unless b}}no-b{{/unless}}|{{#each c}}C{{/each}}|{{#with d}}{{e}}{{/with}}'
    expect(await sms(source, {})).toBe('no-a|no-b||')
    expect(await sms('{{#a}}A{{/a}}{{^a}}none{{/a}}', {})).toBe('none')
  })

  it('refuses a missing {{path}} inside #each, naming the path as written', async () => {
    const source = '{{#each items}}{{name}};{{/each}}'
    expect(await sms(source, { items: [{ name: 'a' }, { name: 'b' }] })).toBe('a;b;')
    expect((await smsError(source, { items: [{ name: 'a' }, { price: 1 }] })).message).toContain(
      'Missing variable "name" in template "t" (sms.hbs)',
    )
  })

  it('resolves ../ paths and names them when missing', async () => {
    const source = '{{#each items}}{{name}}@{{../shop}} {{/each}}'
    expect(await sms(source, { shop: 'S', items: [{ name: 'a' }] })).toBe('a@S')
    expect((await smsError(source, { items: [{ name: 'a' }] })).message).toContain('Missing variable "../shop"')
  })

  it('checks @root paths, this and block params', async () => {
    expect(await sms('{{#each tags}}{{this}}{{@index}}{{@root.sep}}{{/each}}', { tags: ['a', 'b'], sep: ',' })).toBe(
      'a0,b1,',
    )
    expect((await smsError('{{@root.nope}}', {})).message).toContain('"@root.nope"')
    expect(await sms('{{#each items as |item|}}{{item.name}}{{/each}}', { items: [{ name: 'n' }] })).toBe('n')
    expect((await smsError('{{#each items as |item|}}{{item.nope}}{{/each}}', { items: [{}] })).message).toContain(
      '"item.nope"',
    )
  })

  it('checks meta.requiredData before rendering, naming the missing path', async () => {
    const registry = await registryOf({
      'r/sms.hbs': '{{#if order.id}}{{order.id}}{{/if}}',
      'r/meta.json': '{"requiredData":["user","order.id"]}',
    })
    const render = (data: unknown) => renderTemplate(registry, { name: 'r', channel: 'sms', data })
    expect(() => render({ user: 'u' })).toThrow('Missing required data "order.id" for template "r"')
    expect(() => render({ user: 'u', order: null })).toThrow('"order.id"')
    expect(() => render({ order: { id: 1 } })).toThrow('"user"')
    expect(() => render(undefined)).toThrow('"user"')
    expect(render({ user: null, order: { id: 7 } })).toEqual({ body: '7' })
  })

  it('refuses a partial that does not exist as a TemplateError', async () => {
    expect((await smsError('{{> header}}', {})).message).toMatch(/Template "t" \(sms\.hbs\) failed to render: .*header/)
  })
})

describe('renderTemplate: escaping per file', () => {
  const data = { name: 'Tom & "Jerry" <b>', line: 'one\r\ntwo\nthree' }

  it('escapes HTML in email.html.hbs only, and keeps {{{raw}}} raw', async () => {
    const registry = await registryOf({
      'e/email.subject.hbs': 'Hi {{name}} {{line}}\n',
      'e/email.html.hbs': '<p>{{name}}</p>{{{name}}}',
      'e/email.text.hbs': 'Hi {{name}}',
    })
    expect(renderTemplate(registry, { name: 'e', channel: 'email', data })).toEqual({
      subject: 'Hi Tom & "Jerry" <b> one two three',
      html: '<p>Tom &amp; &quot;Jerry&quot; &lt;b&gt;</p>Tom & "Jerry" <b>',
      text: 'Hi Tom & "Jerry" <b>',
    })
  })

  it('does not escape SMS bodies, and trims the file final newline', async () => {
    expect(await sms('Hi {{name}}\n', data)).toBe('Hi Tom & "Jerry" <b>')
  })

  it('derives text from html when the template ships no text', async () => {
    const registry = await registryOf({
      'h/email.subject.hbs': 'S',
      'h/email.html.hbs': [
        '<html><head><title>T</title><style>p{color:red}</style></head><body>',
        '<h1>Hello   {{name}}</h1>',
        '<p>Line one<br>line&nbsp;two &euro;5 &#x27;q&#39;</p>',
        '<p><a href="{{url}}">Reset</a> or <a href="https://same.example">https://same.example</a></p>',
        '<ul><li>a</li><li>b</li></ul>',
        '</body></html>',
      ].join('\n'),
    })
    const content = renderTemplate(registry, {
      name: 'h',
      channel: 'email',
      data: { name: 'A & B', url: 'https://x.example/r?a=1&b=2' },
    })
    expect(content.text).toBe(
      "Hello A & B\n\nLine one\nline two €5 'q'\n\nReset (https://x.example/r?a=1&b=2) or https://same.example\n\n- a\n- b",
    )
  })

  it('renders only the email parts the template ships', async () => {
    const registry = await registryOf({ 'o/email.text.hbs': 'only text' })
    expect(renderTemplate(registry, { name: 'o', channel: 'email', data: {} })).toEqual({ text: 'only text' })
  })
})

describe('renderTemplate: JSON templates', () => {
  it('JSON-escapes {{x}} without quotes so quotes, backslashes and newlines stay valid', async () => {
    const registry = await registryOf({
      'p/push.json.hbs': '{"title": "{{title}}", "body": "{{body}}", "data": {"n": "{{n}}", "z": "{{z}}"}}',
    })
    const title = 'Say "hi" \\ <now>'
    const body = 'line1\nline2\ttab \u0001'
    expect(renderTemplate(registry, { name: 'p', channel: 'push', data: { title, body, n: 5, z: null } })).toEqual({
      push: { title, body, data: { n: '5', z: '' } },
    })
  })

  it('writes any value as raw JSON with {{json x}}', async () => {
    const registry = await registryOf({
      'a/action.json.hbs': '{"n": {{json n}}, "o": {{json o}}, "l": {{json l}}, "s": {{json s}}, "z": {{json z}}}',
    })
    const data = { n: 42.5, o: { a: [1, { b: 'c"d' }] }, l: ['x', 2, true], s: 'he said "hi"\n', z: null }
    expect(renderTemplate(registry, { name: 'a', channel: 'action', data })).toEqual({ json: data })
    expect(() => renderTemplate(registry, { name: 'a', channel: 'action', data: { ...data, o: undefined } })).toThrow(
      'Missing variable "o" in template "a" (action.json.hbs), line 1',
    )
  })

  it('reads a closing brace right after {{json x}} as JSON, and keeps {{{x}}} unescaped', async () => {
    const registry = await registryOf({
      'a/action.json.hbs': '{"o": {"n": {{json n}}}, "l": [{{json n}}], "raw": {{{raw}}}}',
    })
    const data = { n: 1, raw: '{"pre": "built"}' }
    expect(renderTemplate(registry, { name: 'a', channel: 'action', data })).toEqual({
      json: { o: { n: 1 }, l: [1], raw: { pre: 'built' } },
    })
  })

  it('refuses output that is not JSON', async () => {
    const registry = await registryOf({ 'a/action.json.hbs': '{"n": {{n}}}' })
    expect(renderTemplate(registry, { name: 'a', channel: 'action', data: { n: 1 } })).toEqual({ json: { n: 1 } })
    expect(() => renderTemplate(registry, { name: 'a', channel: 'action', data: { n: 'one' } })).toThrow(
      /Template "a" \(action\.json\.hbs\) did not render valid JSON/,
    )
  })

  it('refuses a push template whose fields are not push fields', async () => {
    const render = async (source: string) => {
      const registry = await registryOf({ 'p/push.json.hbs': source })
      return () => renderTemplate(registry, { name: 'p', channel: 'push', data: { n: 3 } })
    }
    expect(await render('[1]')).toThrow('must render a JSON object')
    expect(await render('{"titel": "x"}')).toThrow('"titel" is not a push field')
    expect(await render('{"data": {"n": {{json n}}}}')).toThrow('"data" must be an object of string values')
    expect(await render('{"badge": "{{n}}"}')).toThrow('"badge" must be a number')
    expect((await render('{"badge": {{json n}}, "sound": "default", "priority": "high"}'))()).toEqual({
      push: { badge: 3, sound: 'default', priority: 'high' },
    })
  })
})
