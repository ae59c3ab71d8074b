declare module 'autocannon' {
  interface Result {
    '2xx': number
    non2xx: number
    errors: number
    latency: { p50: number; p99: number }
  }
  function autocannon(options: Record<string, unknown>): Promise<Result>
  export default autocannon
}
