import { randomBytes } from 'node:crypto'

const MAX_SAFE = (1n << 53n) - 1n

/**
 * A new event PKey (also the SOAP `plId`): a random integer in 1..2^53−1, so that it is a positive
 * `xsd:long` and survives JSON and JavaScript numbers unchanged.
 */
export function newEventPKey(): string {
  for (;;) {
    const n = randomBytes(8).readBigUInt64BE() & MAX_SAFE
    if (n > 0n) return n.toString()
  }
}

/** Whether a string is a PKey this gateway could have issued. */
export function isEventPKey(value: string): boolean {
  return /^[1-9][0-9]{0,15}$/.test(value) && BigInt(value) <= MAX_SAFE
}
