-- Accepts one message in one call (SPEC section 4 intake): claims the idempotency key and stores the
-- answer, checks suppression (address, then domain), SMS opt-out, allowlist and consent in that order,
-- takes the first attempt's capping slot, writes the record and its index, counts its status in the
-- traffic stats, and enqueues it.
-- KEYS[1] idempotency hash (a never-written key when the call has no key)
-- KEYS[2] message hash   KEYS[3] message createdAt index
-- KEYS[4] suppression entries hash   KEYS[5] suppression expiries hash
-- KEYS[6] consent hash   KEYS[7] allowlist enabled flag   KEYS[8] allowlist entries set
-- KEYS[9] limiter state   KEYS[10] limiter latency hash   (never-written keys when there is no cap)
-- KEYS[11] queue lane sorted set   KEYS[12] queue item index   KEYS[13] queue sequence
-- KEYS[14] SMS opt-out hash (single node; in cluster mode the caller reads it first and passes ARGV opt flag)
-- KEYS[15] traffic stats hash of the minute
-- ARGV[1] JSON {o: clock offset, r: retention ms, m: index member, b: 202 answer JSON,
--   i?: {h: body hash, t: ttl ms, p?: pending}, sup: [`type:value`...], opt?: `sender|phone`, optPhone?,
--   optFlag?: 0|1, al?: {a: address, d: domain}, con?: {f: `channel|address`, c: channel},
--   cap?: {k: key, w, s?, t?}, lane, at: due ms, item: `sandbox\nid`, st: {f: stats bucket ms, k: keep ms}}
-- ARGV[2..] record field, JSON value pairs (status queued or throttled)
-- Returns {'replay', bodyHash, response} | {'mismatch'} | {'suppressed', at, reason, check, type, value}
--   | {'capped', at, allowed, count, limit, windowMs, retryAfterMs, slow} | {'accepted', at, cap...}
--- @include "now"
--- @include "iso-time"
--- @include "json-array"
--- @include "idempotency"
--- @include "suppression-match"
--- @include "sliding-window"
--- @include "write-message"
--- @include "enqueue"

local p = cjson.decode(ARGV[1])
local now = nowMs(p.o)
local at = isoTime(now)

-- The traffic stats count the status the message is recorded with (GET /v1/stats).
local function countStatus(status)
  redis.call('HINCRBY', KEYS[15], p.st.f .. '|' .. status, 1)
  redis.call('PEXPIRE', KEYS[15], p.st.k)
end

if p.i then
  local prior = readIdempotency(KEYS[1], now)
  if prior then
    if prior[1] == p.i.h then return { 'replay', prior[1], prior[2] } end
    return { 'mismatch' }
  end
end

local fields = {}
for i = 2, #ARGV, 2 do fields[ARGV[i]] = ARGV[i + 1] end

local function finish(status, body)
  writeMessage(KEYS[2], KEYS[3], fields, p.m, p.r)
  if p.i then
    local response = '{"status":' .. status .. ',"body":' .. body .. (p.i.p and ',"pending":true' or '') .. '}'
    writeIdempotency(KEYS[1], p.i.h, response, now, p.i.t)
  end
end

local function suppressed(reason, check, kind, value)
  local detail = { reason = reason, check = check, type = kind, value = value }
  fields.status = '"suppressed"'
  fields.reason = cjson.encode(reason)
  fields.trace = appendJson(fields.trace, cjson.encode({ at = at, step = check, decision = 'suppressed', detail = detail }))
  finish(200, cjson.encode({ id = cjson.decode(fields.id), status = 'suppressed', reason = reason }))
  countStatus('suppressed')
  return { 'suppressed', at, reason, check, kind or '', value or '' }
end

local entry = matchSuppression(KEYS[4], KEYS[5], p.sup, now)
if entry then
  local e = cjson.decode(entry)
  return suppressed(e.reason, 'suppression', e.type, e.value)
end

if p.opt then
  local optedOut
  if p.optFlag ~= nil then optedOut = p.optFlag == 1 else optedOut = redis.call('HEXISTS', KEYS[14], p.opt) == 1 end
  if optedOut then return suppressed('opted_out', 'sms_opt_out', 'phone', p.optPhone) end
end

if p.al and redis.call('GET', KEYS[7]) == '1' then
  if redis.call('SISMEMBER', KEYS[8], p.al.a) == 0 and redis.call('SISMEMBER', KEYS[8], p.al.d) == 0 then
    return suppressed('not_allowed', 'allowlist', nil, p.al.a)
  end
end

if p.con then
  local consent = redis.call('HGET', KEYS[6], p.con.f)
  if consent and cjson.decode(consent).marketing == false then
    return suppressed('no_consent', 'consent', p.con.c, nil)
  end
end

local capped = {}
if p.cap then
  local v = capDecide(KEYS[9], KEYS[10], p.cap, now, true)
  local detail = {
    key = p.cap.k, count = v.count, limit = v.limit, windowMs = v.windowMs,
    headroom = math.max(0, v.limit - v.count), slow = v.slow,
  }
  if v.retryAfterMs > 0 then detail.retryAfterMs = v.retryAfterMs end
  local trace = cjson.encode({ at = at, step = 'capping', decision = v.allowed and 'admitted' or 'capped', detail = detail })
  fields.trace = appendJson(fields.trace, trace)
  capped = capReply(v)
  if not v.allowed then
    fields.status = '"capped"'
    fields.error = cjson.encode({
      code = 'CAPPED',
      detail = string.format('Cap %s full: %d/%d in %d ms', p.cap.k, v.count, v.limit, v.windowMs),
    })
    writeMessage(KEYS[2], KEYS[3], fields, p.m, p.r)
    countStatus('capped')
    return { 'capped', at, unpack(capped) }
  end
  fields.slotTaken = 'true'
end

fields.trace = appendJson(fields.trace, cjson.encode({ at = at, step = 'queue', decision = 'enqueued', detail = { lane = p.lane } }))
finish(202, p.b)
countStatus(cjson.decode(fields.status))
enqueueItem(KEYS[11], KEYS[12], KEYS[13], p.item, p.at)
return { 'accepted', at, unpack(capped) }
