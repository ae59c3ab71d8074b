-- Replaces the stored response of a live idempotency record (a sync call answering after its outcome).
-- KEYS[1] idempotency hash
-- ARGV[1] test clock offset ms   ARGV[2] response JSON
--- @include "now"
--- @include "idempotency"

if not readIdempotency(KEYS[1], nowMs(ARGV[1])) then return 0 end
redis.call('HSET', KEYS[1], 'r', ARGV[2])
return 1
