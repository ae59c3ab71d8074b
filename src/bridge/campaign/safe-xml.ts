import { XMLParser } from 'fast-xml-parser'

/** Limits of SPEC section 10: documents ≤ 1 MB, depth ≤ 32. */
export const XML_MAX_BYTES = 1024 * 1024
export const XML_MAX_DEPTH = 32

/** A parsed element: attributes under `@_<name>`, text under `#text`, children by local name (arrays when repeated). */
export type XmlNode = { [key: string]: XmlValue }
export type XmlValue = string | XmlNode | XmlValue[]

export type XmlParseResult = { ok: true; document: XmlNode } | { ok: false; reason: string }

const predefined: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

/**
 * Decodes the five predefined entities and numeric character references, once, in one pass. Nothing
 * else is an entity here (documents declaring any are refused), so nothing can expand recursively.
 */
export function decodeXmlText(value: string): string {
  if (!value.includes('&')) return value
  return value.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return predefined[ref] ?? whole
    const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10)
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole
  })
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // The parser counts the levels below the root: 31 of them make a depth of 32.
  maxNestedTags: XML_MAX_DEPTH - 1,
  tagValueProcessor: (_name, value) => decodeXmlText(value),
  attributeValueProcessor: (_name, value) => decodeXmlText(value),
})

/**
 * Parses an untrusted XML document without ever expanding an entity or fetching anything (no XXE, no
 * billion laughs): a document that declares a DOCTYPE or an ENTITY is refused outright, before parsing.
 * Malformed input is a value, not an exception.
 */
export function parseUntrustedXml(text: string): XmlParseResult {
  if (Buffer.byteLength(text) > XML_MAX_BYTES) return { ok: false, reason: 'the document is larger than 1 MB' }
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text))
    return { ok: false, reason: 'DOCTYPE and ENTITY declarations are not accepted' }
  if (!text.trim()) return { ok: false, reason: 'the document is empty' }
  try {
    const document = parser.parse(text, true) as XmlNode
    return { ok: true, document }
  } catch (e) {
    const message = (e as Error).message
    return { ok: false, reason: /nested tags/i.test(message) ? `nesting deeper than ${XML_MAX_DEPTH} levels` : message }
  }
}

/** Child elements of a node by local name, always as a list. */
export function childrenOf(node: XmlValue | undefined, name: string): XmlValue[] {
  if (!node || typeof node === 'string' || Array.isArray(node)) return []
  const value = node[name]
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

/** The first child element of a node by local name. */
export function childOf(node: XmlValue | undefined, name: string): XmlValue | undefined {
  return childrenOf(node, name)[0]
}

/** An attribute value of an element (a string), when the element has it. */
export function attributeOf(node: XmlValue | undefined, name: string): string | undefined {
  if (!node || typeof node === 'string' || Array.isArray(node)) return undefined
  const value = node[`@_${name}`]
  return typeof value === 'string' ? value : undefined
}

/** The text content of an element: a string element, or the `#text` of one with attributes. */
export function textOf(node: XmlValue | undefined): string {
  if (typeof node === 'string') return node
  if (!node || Array.isArray(node)) return ''
  const text = node['#text']
  return typeof text === 'string' ? text : ''
}
