-- Piece: the conservative bucketed sliding window of src/capping/sliding-window.ts (the reference; same
-- arithmetic, same names). State is one string: struct '>d' head bucket, '>I4' bucket size in ms, then
-- the ring of '>I4' counters: 300,000/60 s with 150,000/30 s is 201 counters, 816 bytes.
-- A window is {limit, windowMs}.
local SW_BUCKETS_PER_WINDOW = 100

local function swBucketSize(windows)
  local smallest = math.huge
  for _, w in ipairs(windows) do
    if w[2] < smallest then smallest = w[2] end
  end
  return math.max(1, math.floor(smallest / SW_BUCKETS_PER_WINDOW))
end

local function swRingSize(windows, bucketMs)
  local largest = 0
  for _, w in ipairs(windows) do
    if w[2] > largest then largest = w[2] end
  end
  return math.ceil(largest / bucketMs) + 1
end

local function swEmpty(bucketMs, size)
  local counts = {}
  for i = 0, size - 1 do counts[i] = 0 end
  return { head = 0, bucketMs = bucketMs, size = size, counts = counts }
end

-- Rings up to this size are (un)packed with one struct call; larger ones a counter at a time.
local SW_BULK = 4000

local function swDecode(raw)
  if not raw then return nil end
  local head, bucketMs = struct.unpack('>dI4', raw)
  local size = (#raw - 12) / 4
  local counts = {}
  if size <= SW_BULK then
    local values = { struct.unpack('>' .. string.rep('I4', size), raw, 13) }
    for i = 0, size - 1 do counts[i] = values[i + 1] end
  else
    for i = 0, size - 1 do counts[i] = struct.unpack('>I4', raw, 13 + i * 4) end
  end
  return { head = head, bucketMs = bucketMs, size = size, counts = counts }
end

local function swEncode(st)
  local header = struct.pack('>dI4', st.head, st.bucketMs)
  if st.size <= SW_BULK then
    return header .. struct.pack('>' .. string.rep('I4', st.size), unpack(st.counts, 0, st.size - 1))
  end
  local parts = { header }
  for i = 0, st.size - 1 do parts[#parts + 1] = struct.pack('>I4', st.counts[i]) end
  return table.concat(parts)
end

-- Moves the ring forward to `now`, zeroing the buckets that fell out.
local function swAdvance(st, now)
  local bucket = math.floor(now / st.bucketMs)
  if bucket <= st.head then return end
  local steps = math.min(bucket - st.head, st.size)
  for i = 1, steps do
    st.counts[(st.head + i) % st.size] = 0
  end
  st.head = bucket
end

local function swJudge(st, now, w)
  local size = st.size
  local newest = math.floor(now / st.bucketMs)
  local oldest = math.max(math.floor((now - w[2]) / st.bucketMs), newest - size + 1)
  local count = 0
  for b = oldest, newest do
    count = count + (st.counts[b % size] or 0)
  end
  if count < w[1] then
    return { allowed = true, limit = w[1], windowMs = w[2], count = count, retryAfterMs = 0 }
  end
  -- Walk from the oldest bucket: the window admits again once enough old buckets have left it.
  local left = count
  local retryAt = now
  for b = oldest, newest do
    left = left - (st.counts[b % size] or 0)
    if left < w[1] then
      retryAt = (b + 1) * st.bucketMs + w[2]
      break
    end
  end
  return { allowed = false, limit = w[1], windowMs = w[2], count = count, retryAfterMs = math.max(1, retryAt - now) }
end

-- Judges every window at `now`; when all have room and `take` is set, counts the call.
local function swTakeSlot(st, windows, now, take)
  swAdvance(st, now)
  local refused, tightest
  for _, w in ipairs(windows) do
    local v = swJudge(st, now, w)
    if not v.allowed then
      if not refused or v.retryAfterMs > refused.retryAfterMs then refused = v end
    elseif not tightest or (v.limit - v.count) < (tightest.limit - tightest.count) then
      tightest = v
    end
  end
  if refused then return refused end
  if not take then return tightest end
  local slot = math.floor(now / st.bucketMs) % st.size
  st.counts[slot] = st.counts[slot] + 1
  tightest.count = tightest.count + 1
  return tightest
end

-- Adapts a state kept for other windows (a config change) without losing its admissions.
local function swStateFor(st, windows)
  local bucketMs = swBucketSize(windows)
  local size = swRingSize(windows, bucketMs)
  if st and st.bucketMs == bucketMs and st.size == size then return st end
  local fresh = swEmpty(bucketMs, size)
  if not st then return fresh end
  for b = st.head - st.size + 1, st.head do
    local n = st.counts[b % st.size] or 0
    if n > 0 then
      local at = (b + 1) * st.bucketMs - 1
      local nb = math.floor(at / bucketMs)
      if nb > fresh.head then swAdvance(fresh, at) end
      if fresh.head - nb < size then fresh.counts[nb % size] = fresh.counts[nb % size] + n end
    end
  end
  return fresh
end

-- A capping decision for request `cap` = {w = windows, s = slow windows or nil, t = slow threshold ms}.
-- Reads the key's latency mean and applies the hysteresis (slow above t, normal below 0.8 t), as
-- src/store/memory/memory-limiter.ts does. Returns the verdict with `slow` set.
local function capDecide(limitKey, latencyKey, cap, now, take)
  local slow = false
  if cap.s then
    local lat = redis.call('HMGET', latencyKey, 'mean', 'slow')
    if lat[1] then
      local mean = tonumber(lat[1])
      local was = lat[2] == '1'
      slow = was
      if not was and mean > cap.t then
        slow = true
      elseif was and mean < 0.8 * cap.t then
        slow = false
      end
      if slow ~= was then redis.call('HSET', latencyKey, 'slow', slow and '1' or '0') end
    end
  end
  local all = {}
  for _, w in ipairs(cap.w) do all[#all + 1] = w end
  if cap.s then
    for _, w in ipairs(cap.s) do all[#all + 1] = w end
  end
  local st = swStateFor(swDecode(redis.call('GET', limitKey)), all)
  local v = swTakeSlot(st, (slow and cap.s) or cap.w, now, take)
  if take and v.allowed then
    local largest = 0
    for _, w in ipairs(all) do
      if w[2] > largest then largest = w[2] end
    end
    redis.call('SET', limitKey, swEncode(st), 'PX', largest + st.bucketMs + 60000)
  end
  v.slow = slow
  return v
end

-- The verdict as a flat reply: allowed, count, limit, windowMs, retryAfterMs, slow.
local function capReply(v)
  return { v.allowed and 1 or 0, v.count, v.limit, v.windowMs, v.retryAfterMs, v.slow and 1 or 0 }
end
