-- Piece: the current time in ms, from Redis TIME plus the test clock offset (always 0 unless NODE_ENV=test).
local function nowMs(offset)
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + (tonumber(offset) or 0)
end
