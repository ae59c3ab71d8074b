-- Piece: writes a message record as a hash of JSON-encoded top-level fields, indexes it by createdAt
-- (member `createdAt|id`, lexicographic) and keeps it MESSAGE_RETENTION once finished.
local finishedStatuses = {
  ['"failed"'] = true, ['"capped"'] = true, ['"suppressed"'] = true, ['"expired"'] = true,
  ['"canceled"'] = true, ['"delivered"'] = true,
}

local function keepFor(msgKey, retentionMs)
  if finishedStatuses[redis.call('HGET', msgKey, 'status')] then
    redis.call('PEXPIRE', msgKey, retentionMs)
  else
    redis.call('PERSIST', msgKey)
  end
end

-- fields: a Lua table name -> encoded JSON value
local function writeMessage(msgKey, indexKey, fields, indexMember, retentionMs)
  redis.call('DEL', msgKey)
  local flat = {}
  for name, value in pairs(fields) do
    flat[#flat + 1] = name
    flat[#flat + 1] = value
  end
  redis.call('HSET', msgKey, unpack(flat))
  redis.call('ZADD', indexKey, 0, indexMember)
  keepFor(msgKey, retentionMs)
end
