/**
 * The XML both ends of a Message Center call need: escaping, `<ctx>` from data, and reading the answer
 * (plId or fault) without ever expanding an entity.
 */
import { XMLParser } from 'fast-xml-parser'

export function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (ch) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[ch]};`)
}

/** Element names come from data keys: anything that is not an XML name character becomes `_`. */
export function xmlName(key: string): string {
  const name = key.replace(/[^A-Za-z0-9_.-]/g, '_')
  return /^[A-Za-z_]/.test(name) ? name : `_${name}`
}

/** Data as the children of `<ctx>`: keys become elements, arrays repeated elements, values escaped text. */
export function ctxXml(data: unknown): string {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return ''
  return Object.entries(data as Record<string, unknown>)
    .map(([key, value]) => elementXml(xmlName(key), value))
    .join('')
}

function elementXml(name: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => elementXml(name, item)).join('')
  if (value === null || value === undefined) return `<${name}/>`
  if (typeof value === 'object') return `<${name}>${ctxXml(value)}</${name}>`
  return `<${name}>${escapeXml(String(value))}</${name}>`
}

/** What a Message Center answer says: a plId, a SOAP fault, or nothing readable. */
export type SoapAnswer =
  | { kind: 'plId'; plId: string }
  | { kind: 'fault'; faultcode: string; faultstring: string; detail: string }
  | { kind: 'unreadable'; reason: string }

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  maxNestedTags: 32,
})

type Node = Record<string, unknown>
const child = (node: unknown, name: string): unknown =>
  node && typeof node === 'object' && !Array.isArray(node) ? (node as Node)[name] : undefined
const text = (node: unknown): string => {
  if (typeof node === 'string') return node
  const t = child(node, '#text')
  return typeof t === 'string' ? t : ''
}

/** Reads a SOAP answer; documents declaring a DOCTYPE or an ENTITY are not read at all. */
export function readSoapAnswer(body: string): SoapAnswer {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) return { kind: 'unreadable', reason: 'the answer declares a DOCTYPE' }
  let doc: unknown
  try {
    doc = parser.parse(body, true)
  } catch (e) {
    return { kind: 'unreadable', reason: (e as Error).message }
  }
  const soapBody = child(child(doc, 'Envelope'), 'Body')
  const fault = child(soapBody, 'Fault')
  if (fault !== undefined)
    return {
      kind: 'fault',
      faultcode: text(child(fault, 'faultcode')),
      faultstring: text(child(fault, 'faultstring')),
      detail: text(child(fault, 'detail')),
    }
  const response = child(soapBody, 'PushEventResponse')
  const plId = child(response, 'plId')
  const first = Array.isArray(plId) ? plId[0] : plId
  if (first === undefined) return { kind: 'unreadable', reason: 'no PushEventResponse/plId in the answer' }
  return { kind: 'plId', plId: text(first).trim() }
}
