/**
 * What a broadcaster is given: its options, a message to publish and who receives it, the
 * options of a stream and of a close; and the reading of publish options, checked like every option.
 */

import type { PresenceMember } from '../protocol/protocolEvents';
import type { EventData } from '../protocol/serializeData';
import { describeValue } from '../validation/describeValue';
import { OptionReader } from '../validation/optionReader';
import type { Bus } from './bus';
import type { DebugOption } from './debugLog';
import type { EventHistoryOptions } from './eventHistory';
import type { BusMessage, ConnectionView } from './eventLog';
import type { CloseReason } from './eventStreamWriter';
import type { MemoryBus } from './memoryBus';
import type { PresenceOptions } from './presenceBoard';
import { readPresenceMember } from './presenceMember';
import type { RevalidateOptions } from './revalidation';
import type { StreamConnection } from './sseConnection';

/** Options of {@link createBroadcaster}. */
export interface BroadcasterOptions<M = unknown> {
  /** Where events go and history lives. Default: a {@link MemoryBus} with `history`. */
  bus?: Bus;
  /** History limits for the default in-memory bus (size default 1000 per channel). */
  history?: EventHistoryOptions;
  /** Bytes buffered for one slow client before it is evicted. Default 1 MiB. */
  maxBufferedBytes?: number;
  /**
   * Largest event `publish` accepts, in bytes of its encoded `event:` and `data:` lines; a larger
   * one is refused with a `RangeError`. At most `maxBufferedBytes`. Default 512 KiB (or half of
   * `maxBufferedBytes` when smaller), so any event can reach a client that reads.
   */
  maxEventBytes?: number;
  /**
   * Re-checks each open stream's access every `everyMs` (spread over the interval): a channel
   * whose `check(metadata, channel)` answers false ends with a close event
   * `{ reconnect: false, reason: 'revoked' }`, only that channel on a stream that carries others.
   * Default: off (access is checked when a stream opens, by `sseMiddleware`'s `authorize`).
   */
  revalidate?: RevalidateOptions<M>;
  /**
   * How presence is shared and told: the interval of `sse:presence` events and the member cap.
   * Presence itself needs nothing here: it starts with the first stream that holds a member
   * (`sseMiddleware`'s `presence`, or `connect`'s).
   */
  presence?: PresenceOptions;
  /**
   * This broadcaster's debug lines (streams opened and closed, failures it only logs): `true` to
   * stderr, a function to receive each line, `false` for none. Default: as `NODE_DEBUG=express-htmx-sse`
   * says, for the whole process.
   */
  debug?: DebugOption;
}

/** An event to publish. */
export interface PublishMessage {
  /** Event type (default: the client's `message` event). No CR, LF or NUL. */
  event?: string;
  /** Payload: text or JSX (also a promise of it), number, boolean or JSON-able object. */
  data: EventData;
  /**
   * Makes it a latest-value event: it supersedes the earlier event of the same key on the channel,
   * so history keeps only the latest per key and a client that comes back is replayed only that
   * (live clients still get every event). A non-empty string of at most 200 bytes of UTF-8, no CR,
   * LF or NUL. Default: none (the event is kept like any other).
   */
  key?: string;
}

/** An event sent outside the channels (`sendTo`, `announce`): kept nowhere, so it takes no key. */
export type DirectMessage = Omit<PublishMessage, 'key'>;

/** Who, among a channel's connections, receives an event. */
export interface PublishOptions<M> {
  /**
   * Connection id(s) that must not receive it (e.g. the one whose action caused it). An entry
   * `<connection id>/<tab id>` (what `requestConnectionIds` reads for a browser's shared stream)
   * leaves out only that tab: the stream still gets the event, marked for its hub to skip the tab.
   */
  exclude?: string | readonly string[];
  /** Receives only connections for which this returns true (this process only; see `Bus`). */
  filter?: (connection: ConnectionView<M>) => boolean;
}

/** Options of {@link Broadcaster.connect}. */
export interface ConnectOptions<M> {
  /** Channel to listen to. Give this or `channels`. */
  channel?: string;
  /** Several channels on one stream (repeats are ignored). Give this or `channel`. */
  channels?: readonly string[];
  /**
   * The connection's id (e.g. the user's session plus a tab id), checked by `assertConnectionId`.
   * Default: a random UUID. A stream already open with this id is replaced: it gets a close event
   * `{ reconnect: false, reason: 'replaced' }` and ends, in this process and, on a shared bus, in
   * every other one.
   */
  id?: string;
  /** App data kept with the connection (visible in stats and filters). */
  metadata: M;
  /**
   * Cursor from `Last-Event-ID` (a position or a `<channel>/<position>` id): each channel's events
   * after it are replayed first, or that channel gets a gap event. Without it the stream starts at
   * the bus's current position.
   */
  lastEventId?: string;
  /**
   * Called once when this stream ends, for any reason, after it left the registry (and after the
   * `disconnect` event). It is given the connection because it may run during `connect` itself,
   * before `connect` has returned it (a replay that overflows the client evicts it at once).
   */
  onClose?: (connection: StreamConnection<M>, reason: CloseReason) => void;
  /**
   * Who this stream is on its channels' presence, by channel (see `PresenceMember`): one member
   * however many streams, tabs or processes hold it. Channels it does not name count nothing.
   */
  presence?: Readonly<Record<string, PresenceMember>>;
}

/** Options of {@link Broadcaster.close}. */
export interface BroadcasterCloseOptions {
  /** Whether clients should come back: default true for `close` (a restart), false for `closeChannel` (finished). */
  reconnect?: boolean;
  /** Suggested wait before reconnecting, in ms. */
  after?: number;
  /**
   * Why, for logs and the page: free text, except `'revoked'` (the default of `disconnectWhere`),
   * on which the monitor shows `unauthorized` and does not reconnect.
   */
  reason?: string;
}

const NO_MEMBERS: ReadonlyMap<string, PresenceMember> = new Map();

/**
 * `connect`'s `presence`, checked against the stream's channels: a member per channel.
 * @throws TypeError naming a channel the stream does not carry or a bad member.
 */
export function readConnectPresence(
  presence: unknown,
  channels: readonly string[],
): ReadonlyMap<string, PresenceMember> {
  // Most streams hold no member: they share one empty map rather than allocate one each.
  if (presence === undefined) return NO_MEMBERS;
  const members = new Map<string, PresenceMember>();
  if (presence === null || typeof presence !== 'object' || Array.isArray(presence))
    throw new TypeError(`connect: presence must be { [channel]: member }, got ${describeValue(presence)}`);
  for (const [channel, value] of Object.entries(presence)) {
    if (!channels.includes(channel))
      throw new TypeError(`connect: presence names ${describeValue(channel)}, a channel the stream does not carry`);
    const member = readPresenceMember(`connect: presence of ${channel}`, value);
    if (member) members.set(channel, member);
  }
  return members;
}

/**
 * Close options, checked, holding only the fields given (they may travel to other processes).
 * @throws TypeError naming the option and the value.
 */
export function readCloseOptions(owner: string, options: unknown): BroadcasterCloseOptions {
  const read = new OptionReader<BroadcasterCloseOptions>(owner, options);
  const close: BroadcasterCloseOptions = {};
  if (read.raw('reconnect') !== undefined) close.reconnect = read.boolean('reconnect', false);
  if (read.raw('after') !== undefined) close.after = read.integer('after', 0, { min: 0 });
  const reason = read.raw('reason');
  if (reason !== undefined) {
    if (typeof reason !== 'string' || /[\r\n\0]/.test(reason) || reason.length > 200)
      throw read.error('reason', 'a string of at most 200 characters without CR, LF or NUL', reason);
    close.reason = reason;
  }
  return close;
}

/**
 * Publish options, checked: `exclude` as a list, `filter` as a function over any connection.
 * @throws TypeError naming the option and the value.
 */
export function readPublishOptions<M>(options: PublishOptions<M>): Pick<BusMessage, 'exclude' | 'filter'> {
  const read = new OptionReader<PublishOptions<M>>('publish', options);
  return {
    exclude: excludedIds(read),
    filter: read.optionalFunction('filter') as ((connection: ConnectionView) => boolean) | undefined,
  };
}

/** `exclude` of publish options as a list: a string, or an array of strings. @throws TypeError naming the value. */
function excludedIds<M>(read: OptionReader<PublishOptions<M>>): readonly string[] | undefined {
  const exclude = read.raw('exclude');
  if (exclude === undefined) return undefined;
  if (typeof exclude === 'string') return [exclude];
  if (Array.isArray(exclude) && exclude.every((id) => typeof id === 'string')) return exclude;
  throw read.error('exclude', 'a connection id or an array of them', exclude);
}
