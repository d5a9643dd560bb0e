/**
 * The Lua scripts that make Redis positions ordered. A position is an epoch and an `n`, stored as
 * the stream entry id `<epoch>-<n>` and handed out in the base-62 form of SSE ids (`entryIds.ts`
 * converts both ways), in one of two ways:
 * - **Counted** (one Redis): `n` comes from one counter for the whole bus, and `epoch` is the Redis
 *   clock when that counter was created, so positions from before a loss of Redis's data are
 *   recognisably foreign (as the memory bus's are after a restart). Ids from every process and
 *   every channel are totally ordered.
 * - **Clocked** (Redis Cluster, one counter per bucket): `epoch` is 0 and `n` is the larger of the
 *   bucket's last `n` + 1 and the server clock in microseconds. Positions are ordered within a
 *   bucket, never go back (not even after a failover loses the counter), and across buckets follow
 *   the clocks of the masters.
 *
 * An append takes the next position, stores the entry at it, deletes the entry it supersedes and
 * trims the stream in one atomic step; a replay reads, in one atomic step too, a channel's entries
 * after a cursor together with what tells whether any of them were trimmed.
 */
import { createHash } from 'node:crypto';
import { compareEventIds, parseEventId } from '../protocol/eventId';
import { entryIdOf, positionOfEntry } from './entryIds';
import { KEY_FIELD, KEY_FIELD_PREFIX } from './redisKeys';
import type { StreamEntry } from './streamEntry';
import type { RedisConnection } from './streamReader';

/**
 * Shared by every script. ARGV[1] is '1' for clocked positions. `epoch()` creates the position hash's
 * epoch on first use (counted) or is 0 (clocked); `newest()` is the newest position's `n`, which for
 * clocked positions is never behind the clock; `fmt` prints an integer without an exponent.
 */
const PREAMBLE = `
local clocked = ARGV[1] == '1'
local function fmt(x) return string.format('%.0f', x) end
local function nowUs()
  local now = redis.call('TIME')
  return tonumber(now[1]) * 1000000 + tonumber(now[2])
end
local function nowMs() return math.floor(nowUs() / 1000) end
local function epoch()
  if clocked then return '0' end
  redis.call('HSETNX', KEYS[1], 'epoch', nowMs())
  return redis.call('HGET', KEYS[1], 'epoch')
end
local function newest()
  local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
  if clocked then n = math.max(n, nowUs()) end
  return fmt(n)
end
`;

/**
 * KEYS: position hash, channel stream, the channel's latest hash (`RedisKeys.latest`). ARGV:
 * clocked, MAXLEN, age cutoff in ms or '', TTL in ms, the event's key or '', then field/value pairs.
 *
 * A keyed entry supersedes the entry its key's hash field names, which is deleted (`XDEL`) in the
 * same step. The stream is trimmed exactly, to MAXLEN entries and by age: the newest entry trimmed
 * is noted (`trimmed`), as is the count of every entry the bus removed (`removed`), so a replay
 * tells a trimmed stream (a cursor before `trimmed` missed events) from one where keys superseded
 * entries (nothing missed). Both keys' TTL is set again; a stream created anew starts a new hash.
 *
 * At most every TTL / 2 the position of the bucket's previous entry is noted with the time (fields
 * `mark_at`/`mark_n`, the previous note in `prev_at`/`prev_n`): every later event is newer than
 * the note, and none before it is. A replay of an expired stream goes by it. (Not this entry's
 * position minus one: a clocked position jumps to the clock, past cursors that `position()` handed
 * out during a quiet spell before it.)
 *
 * Returns the entry id and 1 when it superseded an entry, else 0.
 */
const APPEND = `${PREAMBLE}
local previous = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
local n
if clocked then
  n = fmt(math.max(previous + 1, nowUs()))
  redis.call('HSET', KEYS[1], 'n', n)
else
  n = fmt(redis.call('HINCRBY', KEYS[1], 'n', 1))
end
local id = epoch() .. '-' .. n
local fields = {}
for i = 6, #ARGV do fields[#fields + 1] = ARGV[i] end
if redis.call('EXISTS', KEYS[2]) == 0 then redis.call('DEL', KEYS[3]) end
redis.call('XADD', KEYS[2], id, unpack(fields))
local superseded = 0
if ARGV[5] ~= '' then
  local field = '${KEY_FIELD_PREFIX}' .. ARGV[5]
  local older = redis.call('HGET', KEYS[3], field)
  if older then
    superseded = redis.call('XDEL', KEYS[2], older)
    redis.call('HINCRBY', KEYS[3], 'removed', superseded)
  end
  redis.call('HSET', KEYS[3], field, id)
end
-- Trims the entries given (the oldest, in order), noting the newest of them; a key whose latest entry goes leaves the hash.
local function trim(entries)
  local newest = entries[#entries][1]
  local after = string.match(newest, '^(%d+)') .. '-' .. fmt(tonumber(string.match(newest, '(%d+)$')) + 1)
  local removed = redis.call('XTRIM', KEYS[2], 'MINID', after)
  for _, entry in ipairs(entries) do
    for j = 1, #entry[2], 2 do
      if entry[2][j] == '${KEY_FIELD}' then
        local field = '${KEY_FIELD_PREFIX}' .. entry[2][j + 1]
        if redis.call('HGET', KEYS[3], field) == entry[1] then redis.call('HDEL', KEYS[3], field) end
      end
    end
  end
  redis.call('HSET', KEYS[3], 'trimmed', newest)
  redis.call('HINCRBY', KEYS[3], 'removed', removed)
end
local excess = redis.call('XLEN', KEYS[2]) - tonumber(ARGV[2])
if excess > 0 then trim(redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', excess)) end
if ARGV[3] ~= '' then
  local cutoff = tonumber(ARGV[3])
  local aged = {}
  for _, entry in ipairs(redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 100)) do
    local at = nil
    for j = 1, #entry[2], 2 do
      if entry[2][j] == 't' then at = tonumber(entry[2][j + 1]) end
    end
    if at == nil or at >= cutoff then break end
    aged[#aged + 1] = entry
  end
  if #aged > 0 then trim(aged) end
end
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
local now = nowMs()
local mark = redis.call('HMGET', KEYS[1], 'mark_at', 'mark_n')
if now - tonumber(mark[1] or '0') >= tonumber(ARGV[4]) / 2 then
  redis.call('HSET', KEYS[1], 'prev_at', mark[1] or '0', 'prev_n', mark[2] or '0', 'mark_at', now, 'mark_n', fmt(previous))
end
return {id, superseded}
`;

/** KEYS: position hash. ARGV: clocked. Returns the newest position. */
const POSITION = `${PREAMBLE}
return epoch() .. '-' .. newest()
`;

/**
 * KEYS: position hash, channel stream, the channel's latest hash. ARGV: clocked, cursor position or
 * '', TTL in ms. The "floor" it answers is the newest id a cursor must not be before: the newest
 * entry the bus trimmed (entries that keys superseded are no loss, so they never raise it). A
 * stream that is not there may have expired with events in it: every event published in the last
 * TTL would have kept it, so only a cursor at or after the position of TTL ago (the oldest note
 * taken since, else the bucket's last `n`) is vouched for; it is answered as the floor.
 */
const REPLAY = `${PREAMBLE}
local position = epoch() .. '-' .. newest()
if redis.call('EXISTS', KEYS[2]) == 0 then
  local since = nowMs() - tonumber(ARGV[3])
  local notes = redis.call('HMGET', KEYS[1], 'n', 'prev_at', 'prev_n', 'mark_at', 'mark_n')
  local floor = notes[1] or '0'
  if notes[4] and tonumber(notes[4]) > since then floor = notes[5] end
  if notes[2] and tonumber(notes[2]) > since then floor = notes[3] end
  return {position, '0-0', epoch() .. '-' .. floor, {}}
end
local function later(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  if am > bm or (am == bm and as > bs) then return a end
  return b
end
local info = redis.call('XINFO', 'STREAM', KEYS[2])
local last, deleted, first, added, length = '0-0', '0-0', '0-0', 0, 0
for i = 1, #info, 2 do
  if info[i] == 'last-generated-id' then last = info[i + 1] end
  if info[i] == 'max-deleted-entry-id' then deleted = info[i + 1] end
  if info[i] == 'recorded-first-entry-id' then first = info[i + 1] end
  if info[i] == 'entries-added' then added = tonumber(info[i + 1]) end
  if info[i] == 'length' then length = tonumber(info[i + 1]) end
end
local meta = redis.call('HMGET', KEYS[3], 'trimmed', 'removed')
local floor = meta[1] or '0-0'
-- entries-added less length is every entry removed. More than the bus counted removing (trimmed, or
-- superseded by its key) were removed by something else (an operator's XTRIM or XDEL): then only
-- a cursor at or after the first entry kept and the newest one deleted is vouched for.
if added - length > tonumber(meta[2] or '0') then
  floor = later(floor, deleted)
  if length == 0 then floor = later(floor, last) elseif first ~= '0-0' then floor = later(floor, first) end
end
local entries = {}
if ARGV[2] ~= '' then entries = redis.call('XRANGE', KEYS[2], '(' .. ARGV[2], '+') end
return {position, last, floor, entries}
`;

const sha1 = (script: string): string => createHash('sha1').update(script).digest('hex');
const APPEND_SHA = sha1(APPEND);
const POSITION_SHA = sha1(POSITION);
const REPLAY_SHA = sha1(REPLAY);

/** Runs a script by its SHA1, loading it once when Redis does not know it (after a restart, say). */
async function runScript(
  client: RedisConnection,
  script: string,
  sha: string,
  keys: string[],
  args: string[],
): Promise<unknown> {
  try {
    return await client.evalSha(sha, { keys, arguments: args });
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return client.eval(script, { keys, arguments: args });
  }
}

/** Where a bucket's positions come from. */
export interface PositionSource {
  /** The bucket's position hash (see `RedisKeys.position`). */
  key: string;
  /** True for clocked positions (Redis Cluster), false for the one counted sequence of one Redis. */
  clocked: boolean;
}

const clockArg = (source: PositionSource): string => (source.clocked ? '1' : '0');

/** What an append is told. */
export interface AppendRequest {
  position: PositionSource;
  streamKey: string;
  /** The channel's latest hash (`RedisKeys.latest`): each key's entry, and what was trimmed. */
  latestKey: string;
  /** MAXLEN of the stream (exact). */
  maxLength: number;
  /** Entries whose `t` field is older than this (ms since epoch) are trimmed; undefined: no age limit. */
  cutoff: number | undefined;
  /** The TTL of the stream key and the latest hash, refreshed by every append: an idle channel's stream expires. */
  ttlMs: number;
  /** The event's key, when it is a latest-value event. */
  key: string | undefined;
  fields: Record<string, string>;
}

/** Where an append put its entry. */
export interface AppendedEntry {
  /** Its position (base-62 form). */
  position: string;
  /** True when it superseded the entry of its key. */
  superseded: boolean;
}

/** Appends an entry at the next position of its bucket (see `APPEND`). */
export async function appendAtNextPosition(client: RedisConnection, request: AppendRequest): Promise<AppendedEntry> {
  const args = [
    clockArg(request.position),
    String(request.maxLength),
    request.cutoff === undefined ? '' : String(request.cutoff),
    String(request.ttlMs),
    request.key ?? '',
  ];
  for (const [field, value] of Object.entries(request.fields)) args.push(field, value);
  const keys = [request.position.key, request.streamKey, request.latestKey];
  const [id, superseded] = (await runScript(client, APPEND, APPEND_SHA, keys, args)) as [string, number];
  return { position: positionOfEntry(String(id)), superseded: Number(superseded) === 1 };
}

/** The bucket's newest position (counted: the epoch's 0 before the first event; clocked: never behind the clock). */
export async function currentPosition(client: RedisConnection, position: PositionSource): Promise<string> {
  return positionOfEntry(String(await runScript(client, POSITION, POSITION_SHA, [position.key], [clockArg(position)])));
}

/** What a channel's stream says about a cursor: its entries (with their Redis entry ids), or a gap with the newest position. */
export type StreamReplay = { kind: 'events'; entries: StreamEntry[] } | { kind: 'gap'; latestId: string | undefined };

type RawEntry = [string, string[]];

function toEntry([id, pairs]: RawEntry): StreamEntry {
  const message: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) message[String(pairs[i])] = String(pairs[i + 1]);
  return { id: String(id), message };
}

/** The keys of one channel a replay reads. */
export interface ChannelKeys {
  /** The channel's stream. */
  stream: string;
  /** The channel's latest hash (`RedisKeys.latest`). */
  latest: string;
}

/**
 * The entries of a stream after `cursor`, or a gap when the cursor is not a position of this bus
 * (unparseable, of another epoch, or beyond its newest) or when an entry after it was trimmed away
 * (an entry a key superseded is no gap: its key's newer entry is among those answered).
 */
export async function entriesAfter(
  client: RedisConnection,
  source: PositionSource,
  channel: ChannelKeys,
  cursor: string,
  ttlMs: number,
): Promise<StreamReplay> {
  const parsed = parseEventId(cursor);
  const asked = entryIdOf(cursor) ?? '';
  const reply = (await runScript(
    client,
    REPLAY,
    REPLAY_SHA,
    [source.key, channel.stream, channel.latest],
    [clockArg(source), asked, String(ttlMs)],
  )) as [string, string, string, RawEntry[]];
  const [position, last, floor, entries] = reply;
  const latestId = last === '0-0' ? undefined : positionOfEntry(String(last));
  const newest = parseEventId(String(position));
  const trimmed = parseEventId(String(floor));
  if (
    !parsed ||
    !newest ||
    !trimmed ||
    parsed.epoch !== newest.epoch ||
    compareEventIds(parsed, newest) > 0 ||
    compareEventIds(parsed, trimmed) < 0
  )
    return { kind: 'gap', latestId };
  return { kind: 'events', entries: entries.map(toEntry) };
}
