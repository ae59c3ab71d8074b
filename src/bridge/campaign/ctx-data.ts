import type { XmlValue } from './safe-xml.ts'

/** Key that keeps an element's own text when it also has attributes or children (`<a x="1">text</a>`). */
export const CTX_TEXT_KEY = '_text'

/**
 * Turns a Campaign `<ctx>` element into template data (SPEC section 10): attributes and child elements
 * become keys, repeated elements arrays, text values strings, nested to any depth the parser allowed.
 */
export function ctxToData(node: XmlValue | undefined): Record<string, unknown> {
  const value = convert(node)
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

const unsafeKeys = new Set(['__proto__', 'constructor', 'prototype'])

function convert(node: XmlValue | undefined): unknown {
  if (node === undefined) return {}
  if (typeof node === 'string') return node
  if (Array.isArray(node)) return node.map(convert)
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) {
    if (unsafeKeys.has(key) || unsafeKeys.has(key.slice(2))) continue
    if (key === '#text') out[CTX_TEXT_KEY] = value
    else if (key.startsWith('@_')) {
      const name = key.slice(2)
      if (name !== 'xmlns' && !(name in out)) out[name] = value
    } else out[key] = convert(value)
  }
  const keys = Object.keys(out)
  // An element holding only text is that text.
  if (keys.length === 1 && keys[0] === CTX_TEXT_KEY) return out[CTX_TEXT_KEY]
  return out
}
