-- Piece: appends already-encoded JSON items (comma-joined) to an encoded JSON array without decoding it,
-- so a record's content never goes through cjson (which turns empty arrays into objects).
local function appendJson(array, items)
  if not items or items == '' then return array end
  if not array or array == '[]' or array == '' then return '[' .. items .. ']' end
  return string.sub(array, 1, -2) .. ',' .. items .. ']'
end
