-- One atomic change of a message record: compare-and-set on status, set and unset fields, append
-- trace entries and an attempt, stamp updatedAt; finished records are kept MESSAGE_RETENTION.
-- KEYS[1] message hash (top-level field -> JSON)
-- ARGV[1] test clock offset ms   ARGV[2] retention ms
-- ARGV[3] expected statuses, JSON-encoded and joined by '\n' ('' = any)
-- ARGV[4] fields to unset, joined by '\n'   ARGV[5] trace items (encoded, comma-joined, '' = none)
-- ARGV[6] attempt JSON or ''   ARGV[7] '1' when the caller holds the record (answer without it) or ''
-- ARGV[8..] field, JSON value pairs to set
-- Returns {1, HGETALL} when applied ({1, updatedAt} when ARGV[7] is '1'), {0, HGETALL} when the status did
-- not match, {0} when missing.
--- @include "now"
--- @include "iso-time"
--- @include "json-array"
--- @include "write-message"

local key = KEYS[1]
if redis.call('EXISTS', key) == 0 then return { 0 } end
if ARGV[3] ~= '' then
  local status = redis.call('HGET', key, 'status')
  local ok = false
  for expected in string.gmatch(ARGV[3], '[^\n]+') do
    if expected == status then ok = true end
  end
  if not ok then return { 0, redis.call('HGETALL', key) } end
end
if #ARGV >= 8 then
  local set = {}
  for i = 8, #ARGV do set[#set + 1] = ARGV[i] end
  redis.call('HSET', key, unpack(set))
end
for field in string.gmatch(ARGV[4], '[^\n]+') do
  redis.call('HDEL', key, field)
end
if ARGV[5] ~= '' then
  redis.call('HSET', key, 'trace', appendJson(redis.call('HGET', key, 'trace'), ARGV[5]))
end
if ARGV[6] ~= '' then
  redis.call('HSET', key, 'attempts', appendJson(redis.call('HGET', key, 'attempts'), ARGV[6]))
end
local updatedAt = '"' .. isoTime(nowMs(ARGV[1])) .. '"'
redis.call('HSET', key, 'updatedAt', updatedAt)
keepFor(key, tonumber(ARGV[2]))
if ARGV[7] == '1' then return { 1, updatedAt } end
return { 1, redis.call('HGETALL', key) }
