-- Piece: puts a queue item in its lane's sorted set, scored by due time. The member starts with a
-- zero-padded sequence number so that items due at the same time come out FIFO; an index hash maps
-- `sandbox\nid` to the current member so that ack and defer find it.
local function enqueueItem(laneKey, indexKey, seqKey, item, atMs)
  local old = redis.call('HGET', indexKey, item)
  if old then redis.call('ZREM', laneKey, old) end
  local member = string.format('%016d', redis.call('INCR', seqKey)) .. '|' .. item
  redis.call('ZADD', laneKey, atMs, member)
  redis.call('HSET', indexKey, item, member)
end
