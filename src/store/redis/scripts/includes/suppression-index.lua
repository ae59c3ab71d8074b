-- Piece: suppression indexes. Every entry is a member `createdAt|type:value` (score 0, ordered
-- lexicographically) of the sandbox index and of its reason index, and of its domain index when it has a
-- domain; a meta hash keeps `member\nreason\ndomain` per entry so that removal finds them again.
local function suppressionUnindex(base, metaKey, indexKey, field)
  local meta = redis.call('HGET', metaKey, field)
  if not meta then return end
  local member, reason, domain = string.match(meta, '^(.-)\n(.-)\n(.*)$')
  redis.call('ZREM', indexKey, member)
  redis.call('ZREM', base .. 'si:r:' .. reason, member)
  if domain ~= '' then redis.call('ZREM', base .. 'si:d:' .. domain, member) end
  redis.call('HDEL', metaKey, field)
end

local function suppressionIndex(base, metaKey, indexKey, field, member, reason, domain)
  redis.call('ZADD', indexKey, 0, member)
  redis.call('ZADD', base .. 'si:r:' .. reason, 0, member)
  if domain ~= '' then redis.call('ZADD', base .. 'si:d:' .. domain, 0, member) end
  redis.call('HSET', metaKey, field, member .. '\n' .. reason .. '\n' .. domain)
end
