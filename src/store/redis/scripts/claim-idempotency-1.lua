-- Claims an idempotency key unless a live record holds it.
-- KEYS[1] idempotency hash
-- ARGV[1] test clock offset ms   ARGV[2] body hash   ARGV[3] response JSON   ARGV[4] ttl ms
-- Returns the prior {bodyHash, responseJson}, or false when the claim succeeded.
--- @include "now"
--- @include "idempotency"

local now = nowMs(ARGV[1])
local v = readIdempotency(KEYS[1], now)
if v then return { v[1], v[2] } end
writeIdempotency(KEYS[1], ARGV[2], ARGV[3], now, tonumber(ARGV[4]))
return false
