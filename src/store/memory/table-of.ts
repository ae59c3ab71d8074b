/** The value under `key`, created by `make` on first use: the per-sandbox tables of the memory store. */
export function tableOf<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key)
  if (value === undefined) {
    value = make()
    map.set(key, value)
  }
  return value
}
