/**
 * The directory's Lua scripts. Redis runs each one atomically, so "was the user online before?" and
 * "is this their last connection?" are answered together with the change itself: two gateways can
 * never both see the same user-level transition, and each is announced exactly once.
 *
 * Keys (all under the deployment's prefix P, e.g. `parley:`):
 * - `P online:user:<userId>`   hash connId → "<sessionHash> <kind> <instanceId>": a user's connections;
 *                              `grace@<instanceId>` → "- grace <instanceId>": the placeholder their last
 *                              connection left for the grace before "offline"
 * - `P online:index`           hash userId → username: every user with at least one connection
 * - `P online:inst:<id>`       set of "<userId>:<connId>": what an instance registered (for sweeping)
 * - `P online:alive:<id>`      an instance's heartbeat, with a TTL: gone = the instance is dead
 * - `P online:instances`       set of instance ids that have registered
 * - `P online:swept:<id>`      set when other instances swept a dead instance (it tells the instance
 *                              on its return that its users were announced offline)
 *
 * Key names are built inside the scripts, so this needs one Redis server (with or without
 * replicas), not Redis Cluster.
 * @module
 */
import { createHash } from 'node:crypto'

export interface LuaScript {
  readonly text: string
  readonly sha: string
}

function script(text: string): LuaScript {
  return { text, sha: createHash('sha1').update(text).digest('hex') }
}

/**
 * ARGV: P, userId, connId, instanceId, sessionHash, kind, username, force ('1'/'0'), maxConnections
 * ('0': no cap), oneSession ('1': refuse while the user is online under another session). Grace
 * placeholders count for `first` (the user never looked offline) but not as connections.
 * Returns {accepted, first, tooMany}.
 */
export const CLAIM = script(`
local P, userId, connId, inst, hash, kind, name, force, max, oneSession =
  ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], tonumber(ARGV[9] or '0'), ARGV[10]
local userKey = P .. 'online:user:' .. userId
local entries = redis.call('HGETALL', userKey)
local stale = {}
local graces = 0
for i = 1, #entries, 2 do
  local field, value = entries[i], entries[i + 1]
  local otherHash, otherKind, owner = string.match(value, '^(%S+) (%S+) (.*)$')
  if owner ~= inst and redis.call('EXISTS', P .. 'online:alive:' .. owner) == 0 then
    stale[#stale + 1] = { field, owner }
  elseif otherKind == 'grace' then
    graces = graces + 1
  elseif force ~= '1' and oneSession == '1' and otherHash ~= hash then
    return { 0, 0 }
  end
end
-- Connections of crashed instances go now; the user stays online (they never looked offline).
for _, entry in ipairs(stale) do
  redis.call('HDEL', userKey, entry[1])
  redis.call('SREM', P .. 'online:inst:' .. entry[2], userId .. ':' .. entry[1])
end
if max > 0 and (#entries / 2 - #stale - graces) >= max then return { 0, 0, 1 } end
redis.call('HSET', userKey, connId, hash .. ' ' .. kind .. ' ' .. inst)
redis.call('SADD', P .. 'online:inst:' .. inst, userId .. ':' .. connId)
redis.call('HSET', P .. 'online:index', userId, name)
if #entries > 0 then return { 1, 0 } end
return { 1, 1 }
`)

/**
 * ARGV: P, userId, connId, instanceId, mode. `hold`: when no real connection is left, leave this
 * instance's grace placeholder instead of going offline. `gone` (a logout, a timeout): nobody is
 * coming back, so placeholders left by earlier closes end too. `end`: the entry is a placeholder
 * whose grace is over; other placeholders keep their own time. Returns {1, username} when the user
 * has no entry left (announce offline), {0, '', 1} when a placeholder was left, else {0, ''}.
 */
export const RELEASE = script(`
local P, userId, connId, inst, mode = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local userKey = P .. 'online:user:' .. userId
redis.call('SREM', P .. 'online:inst:' .. inst, userId .. ':' .. connId)
if redis.call('HDEL', userKey, connId) == 0 then return { 0, '' } end
if mode == 'hold' then
  for _, value in ipairs(redis.call('HVALS', userKey)) do
    if string.match(value, '^%S+ (%S+) ') ~= 'grace' then return { 0, '' } end
  end
  local placeholder = 'grace@' .. inst
  redis.call('HSET', userKey, placeholder, '- grace ' .. inst)
  redis.call('SADD', P .. 'online:inst:' .. inst, userId .. ':' .. placeholder)
  return { 0, '', 1 }
end
if mode == 'gone' then
  local rest = redis.call('HGETALL', userKey)
  for i = 1, #rest, 2 do
    if not string.match(rest[i + 1], '^%S+ grace ') then return { 0, '' } end
  end
  for i = 1, #rest, 2 do
    local owner = string.match(rest[i + 1], '^%S+ grace (.*)$')
    redis.call('SREM', P .. 'online:inst:' .. owner, userId .. ':' .. rest[i])
  end
  redis.call('DEL', userKey)
end
if redis.call('EXISTS', userKey) == 1 then return { 0, '' } end
local name = redis.call('HGET', P .. 'online:index', userId)
redis.call('HDEL', P .. 'online:index', userId)
return { 1, name or '' }
`)

/**
 * ARGV: P, instanceId, mode, sweptTtlMs. mode 'dead': remove the connections of every other
 * instance whose heartbeat expired; mode 'self': of this instance id (a restart after a crash).
 * Returns { swept instance ids, { userId, username, … } of users who thereby went offline }.
 */
export const SWEEP = script(`
local P, self, mode, sweptTtl = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local targets = {}
if mode == 'self' then
  targets[1] = self
else
  for _, inst in ipairs(redis.call('SMEMBERS', P .. 'online:instances')) do
    if inst ~= self and redis.call('EXISTS', P .. 'online:alive:' .. inst) == 0 then
      targets[#targets + 1] = inst
    end
  end
end
local offline = {}
for _, inst in ipairs(targets) do
  local instKey = P .. 'online:inst:' .. inst
  for _, member in ipairs(redis.call('SMEMBERS', instKey)) do
    local userId, connId = string.match(member, '^(%d+):(.*)$')
    if userId then
      local userKey = P .. 'online:user:' .. userId
      local value = redis.call('HGET', userKey, connId)
      if value and string.match(value, '^%S+ %S+ (.*)$') == inst then
        redis.call('HDEL', userKey, connId)
        if redis.call('EXISTS', userKey) == 0 then
          local name = redis.call('HGET', P .. 'online:index', userId)
          redis.call('HDEL', P .. 'online:index', userId)
          offline[#offline + 1] = userId
          offline[#offline + 1] = name or ''
        end
      end
    end
  end
  redis.call('DEL', instKey)
  redis.call('SREM', P .. 'online:instances', inst)
  if mode ~= 'self' then redis.call('SET', P .. 'online:swept:' .. inst, '1', 'PX', sweptTtl) end
end
return { targets, offline }
`)

/**
 * ARGV: P, instanceId, ttlMs. Renews the heartbeat. Returns {existed, swept}: existed 0 means the
 * heartbeat had expired (the registration may be gone); swept 1 means other instances removed this
 * instance's connections and announced those users offline meanwhile.
 */
export const HEARTBEAT = script(`
local P, self, ttl = ARGV[1], ARGV[2], ARGV[3]
local alive = P .. 'online:alive:' .. self
local existed = redis.call('EXISTS', alive)
redis.call('SET', alive, '1', 'PX', ttl)
redis.call('SADD', P .. 'online:instances', self)
local swept = redis.call('DEL', P .. 'online:swept:' .. self)
return { existed, swept }
`)
