/**
 * The DNS step of the address rule (SPEC section 5), run by `net.connect` itself: the addresses it is
 * given are the addresses that were checked, so a second, rebinding answer can never be connected to.
 */
import type { LookupAddress } from 'node:dns'
import type { LookupFunction } from 'node:net'
import { isForbiddenAddress } from '../../../src/domain/action-url.ts'

/** `dns/promises` `lookup` with `{ all: true }`; tests inject a map from test host names to addresses. */
export type ResolveAll = (hostname: string, options: { all: true }) => Promise<LookupAddress[]>

/** Raised inside the connector so that nothing is sent; the client turns it into `BLOCKED_ADDRESS`. */
export class BlockedAddressError extends Error {
  override name = 'BlockedAddressError'
  readonly code = 'ERR_BLOCKED_ADDRESS'
}

/** A `net` lookup that refuses a host when ANY of its addresses is forbidden, unless `allowPrivate`. */
export function checkedLookup({
  resolve,
  allowPrivate,
}: {
  resolve: ResolveAll
  allowPrivate: boolean
}): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { all: true }).then(
      (found) => {
        const bad = allowPrivate ? undefined : found.find((entry) => isForbiddenAddress(entry.address))
        if (bad) {
          callback(new BlockedAddressError(`${hostname} resolves to ${bad.address}, a forbidden address`), '')
          return
        }
        const family = familyOf(options.family)
        const usable = family === 0 ? found : found.filter((entry) => entry.family === family)
        const first = usable[0]
        if (!first) {
          callback(Object.assign(new Error(`${hostname} has no usable address`), { code: 'ENOTFOUND' }), '')
          return
        }
        if (options.all) callback(null, usable)
        else callback(null, first.address, first.family)
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    )
  }
}

function familyOf(family: number | 'IPv4' | 'IPv6' | undefined): 0 | 4 | 6 {
  if (family === 4 || family === 'IPv4') return 4
  if (family === 6 || family === 'IPv6') return 6
  return 0
}
