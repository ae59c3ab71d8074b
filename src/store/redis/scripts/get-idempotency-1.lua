-- Reads a live idempotency record.
-- KEYS[1] idempotency hash
-- ARGV[1] test clock offset ms
-- Returns {bodyHash, responseJson} or false.
--- @include "now"
--- @include "idempotency"

local v = readIdempotency(KEYS[1], nowMs(ARGV[1]))
if not v then return false end
return { v[1], v[2] }
