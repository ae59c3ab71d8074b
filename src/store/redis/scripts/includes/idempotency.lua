-- Piece: idempotency records, a hash {h = body hash, r = stored response JSON, x = expiry ms}. The expiry
-- is checked against script time (so the test clock offset applies); PEXPIRE only reclaims memory.
local function readIdempotency(key, now)
  local v = redis.call('HMGET', key, 'h', 'r', 'x')
  if not v[1] or tonumber(v[3]) <= now then return nil end
  return v
end

local function writeIdempotency(key, bodyHash, response, now, ttlMs)
  redis.call('HSET', key, 'h', bodyHash, 'r', response, 'x', now + ttlMs)
  redis.call('PEXPIRE', key, ttlMs)
end
