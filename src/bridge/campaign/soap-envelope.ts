/** Characters XML text and attribute values must not carry raw. */
export function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (ch) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[ch]};`)
}

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<SOAP-ENV:Envelope xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' +
  ' xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>'
const ENVELOPE_CLOSE = '</SOAP-ENV:Body></SOAP-ENV:Envelope>'

/** A SOAP 1.1 envelope around a body fragment, with the xsi/xsd namespaces the answers use. */
export function soapEnvelope(body: string): string {
  return `${ENVELOPE_OPEN}${body}${ENVELOPE_CLOSE}`
}

/**
 * Message Center's answer (SPEC section 10): `PushEventResponse` with one `plId`, or `PushEventsResponse`
 * with one per event, in the namespace of the called service (`urn:nms:rtEvent`, `urn:nms:batchEvent`).
 */
export function pushEventResponse({
  service,
  method,
  plIds,
}: {
  service: string
  method: string
  plIds: string[]
}): string {
  const ns = `urn:${service}`
  const ids = plIds.map((id) => `<plId xsi:type="xsd:long">${escapeXml(id)}</plId>`).join('')
  return soapEnvelope(`<urn:${method}Response xmlns:urn="${escapeXml(ns)}">${ids}</urn:${method}Response>`)
}

/** A SOAP 1.1 fault (`SOAP-ENV:Client` for the caller's mistakes, `SOAP-ENV:Server` for ours). */
export interface SoapFault {
  faultcode: 'SOAP-ENV:Client' | 'SOAP-ENV:Server'
  faultstring: string
  detail?: string
  /** HTTP status: 500 as SOAP 1.1 requires, 413 for an oversized document. */
  status: number
}

export function faultBody(fault: SoapFault): string {
  return soapEnvelope(
    `<SOAP-ENV:Fault><faultcode xsi:type="xsd:QName">${fault.faultcode}</faultcode>` +
      `<faultstring xsi:type="xsd:string">${escapeXml(fault.faultstring)}</faultstring>` +
      (fault.detail === undefined ? '' : `<detail xsi:type="xsd:string">${escapeXml(fault.detail)}</detail>`) +
      '</SOAP-ENV:Fault>',
  )
}
