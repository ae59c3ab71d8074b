-- Piece: first unexpired suppression entry among `fields` (`type:value`), in order. Entries live in a
-- hash of JSON; expiries (ms) in a second hash so that no JSON is decoded on the hot path.
local function matchSuppression(entriesKey, expiriesKey, fields, now)
  for _, field in ipairs(fields) do
    local entry = redis.call('HGET', entriesKey, field)
    if entry then
      local expires = redis.call('HGET', expiriesKey, field)
      if not expires or tonumber(expires) > now then return entry end
    end
  end
  return nil
end
