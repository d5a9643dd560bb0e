/**
 * The Lua scripts that make Redis positions ordered across every channel. A position is
 * `<epoch>-<n>`: `n` comes from one counter for the whole bus, and `epoch` is the Redis clock when
 * that counter was created, so positions from before a loss of Redis's data are recognisably
 * foreign (as the memory bus's are after a restart). An append takes the next position and stores
 * the entry at it in one atomic step, so ids from every process and every channel are totally
 * ordered; a replay reads, in one atomic step too, a channel's entries after a cursor together with
 * what tells whether any of them were trimmed.
 */
import { createHash } from 'node:crypto';
import { compareEventIds, parseEventId } from '../protocol/eventId';
import type { StreamEntry } from './streamEntry';
import type { RedisConnection } from './streamReader';

/** The position hash (fields `epoch` and `n`), created on first use; returns its epoch. */
const EPOCH = `
local function epoch()
  local now = redis.call('TIME')
  redis.call('HSETNX', KEYS[1], 'epoch', now[1] * 1000 + math.floor(now[2] / 1000))
  return redis.call('HGET', KEYS[1], 'epoch')
end
`;

/** KEYS: position hash, channel stream. ARGV: MAXLEN, age cutoff in ms or '', then field/value pairs. */
const APPEND = `${EPOCH}
local id = epoch() .. '-' .. redis.call('HINCRBY', KEYS[1], 'n', 1)
local fields = {}
for i = 3, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], id, unpack(fields))
if ARGV[2] ~= '' then
  local cutoff = tonumber(ARGV[2])
  local oldest = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 100)
  local minid = nil
  for i, entry in ipairs(oldest) do
    local at = nil
    for j = 1, #entry[2], 2 do
      if entry[2][j] == 't' then at = tonumber(entry[2][j + 1]) end
    end
    if at == nil or at >= cutoff then
      if i > 1 then minid = entry[1] end
      break
    end
    if i == #oldest then minid = string.match(entry[1], '^(%d+)') .. '-' .. (tonumber(string.match(entry[1], '(%d+)$')) + 1) end
  end
  if minid then redis.call('XTRIM', KEYS[2], 'MINID', minid) end
end
return id
`;

/** KEYS: position hash. Returns the newest position. */
const POSITION = `${EPOCH}
return epoch() .. '-' .. (redis.call('HGET', KEYS[1], 'n') or '0')
`;

/** KEYS: position hash, channel stream. ARGV: cursor position, or '' for none. */
const REPLAY = `${EPOCH}
local position = epoch() .. '-' .. (redis.call('HGET', KEYS[1], 'n') or '0')
if redis.call('EXISTS', KEYS[2]) == 0 then return {position, '0-0', '0-0', {}} end
local info = redis.call('XINFO', 'STREAM', KEYS[2])
local last, deleted = '0-0', '0-0'
for i = 1, #info, 2 do
  if info[i] == 'last-generated-id' then last = info[i + 1] end
  if info[i] == 'max-deleted-entry-id' then deleted = info[i + 1] end
end
local entries = {}
if ARGV[1] ~= '' then entries = redis.call('XRANGE', KEYS[2], '(' .. ARGV[1], '+') end
return {position, last, deleted, entries}
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

/** What an append is told. */
export interface AppendRequest {
  positionKey: string;
  streamKey: string;
  /** Approximate MAXLEN of the stream. */
  maxLength: number;
  /** Entries whose `t` field is older than this (ms since epoch) are trimmed; undefined: no age limit. */
  cutoff: number | undefined;
  fields: Record<string, string>;
}

/** Appends an entry at the next position of the whole bus and returns that position. */
export async function appendAtNextPosition(client: RedisConnection, request: AppendRequest): Promise<string> {
  const args = [String(request.maxLength), request.cutoff === undefined ? '' : String(request.cutoff)];
  for (const [field, value] of Object.entries(request.fields)) args.push(field, value);
  return String(await runScript(client, APPEND, APPEND_SHA, [request.positionKey, request.streamKey], args));
}

/** The bus's newest position (`<epoch>-0` before the first event). */
export async function currentPosition(client: RedisConnection, positionKey: string): Promise<string> {
  return String(await runScript(client, POSITION, POSITION_SHA, [positionKey], []));
}

/** What a channel's stream says about a cursor. */
export type StreamReplay = { kind: 'events'; entries: StreamEntry[] } | { kind: 'gap'; latestId: string | undefined };

type RawEntry = [string, string[]];

function toEntry([id, pairs]: RawEntry): StreamEntry {
  const message: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) message[String(pairs[i])] = String(pairs[i + 1]);
  return { id: String(id), message };
}

/**
 * The entries of a stream after `cursor`, or a gap when the cursor is not a position of this bus
 * (unparseable, of another epoch, or beyond its newest) or when an entry after it was trimmed away.
 */
export async function entriesAfter(
  client: RedisConnection,
  positionKey: string,
  streamKey: string,
  cursor: string,
): Promise<StreamReplay> {
  const parsed = parseEventId(cursor);
  const asked = parsed ? `${parsed.epoch}-${parsed.sequence}` : '';
  const reply = (await runScript(client, REPLAY, REPLAY_SHA, [positionKey, streamKey], [asked])) as [
    string,
    string,
    string,
    RawEntry[],
  ];
  const [position, last, deleted, entries] = reply;
  const latestId = last === '0-0' ? undefined : String(last);
  const newest = parseEventId(String(position));
  const trimmed = parseEventId(String(deleted));
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
