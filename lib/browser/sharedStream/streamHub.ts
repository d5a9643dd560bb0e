import { parseChannelCursor } from '../../protocol/channelCursor';
import { splitStreamEventId } from '../../protocol/eventId';
import { CLOSE_EVENT, CONNECTION_EVENT, GAP_EVENT, PRESENCE_EVENT } from '../../protocol/protocolEvents';
import { isClientRefusal, type StreamEnd } from '../streamEnd';
import { EventStreamReader, type StreamReaderEvents } from './eventStreamReader';
import { RecentFrames } from './recentFrames';
import type { HubMessage, SubscribeMessage, TabMessage } from './sharedStreamMessages';
import { tabOfKey } from './sharedStreamMessages';
import type { StreamFrame } from './streamFrame';
import { isAfter, laterPosition, positionOf } from './streamPosition';
import { whenTabGone } from './tabPresence';

/** How long a stream carrying channels no one needs any more lives on. */
const NARROWING_DELAY_MS = 1000;

/** Events kept for subscriptions that join a little behind the stream. */
const RECENT_EVENTS = 256;

/** Opens the one real stream; a test or another transport may read it differently. */
export type StreamOpener = (url: string, cursor: string, events: StreamReaderEvents) => { close(): void };

interface HubSubscription {
  readonly key: string;
  readonly channels: ReadonlySet<string>;
  /** The position this subscription has everything up to ('' until the stream tells). */
  resume: string;
  /** Told `open`: it gets the stream's events from now on. */
  open: boolean;
}

/** The `channel` named in a protocol event's JSON data (a gap, the close of one channel, a presence), if any. */
function channelInData(data: string): string | undefined {
  try {
    const { channel } = JSON.parse(data) as { channel?: unknown };
    return typeof channel === 'string' ? channel : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the server marked `frame` as not for the tab of subscription `key` (the tab that made the change). */
function skips(frame: StreamFrame, key: string): boolean {
  return frame.skipTabs?.includes(tabOfKey(key)) === true;
}

/** The earliest of `positions`. */
function earliest(positions: Iterable<string>): string {
  let first = '';
  for (const position of positions) if (!first || isAfter(first, position)) first = position;
  return first;
}

function sameChannels(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((channel) => b.has(channel));
}

/**
 * The owner of a browser's one stream for one prefix (in the SharedWorker, or in the leader tab).
 * It keeps the subscriptions of every tab, reads one stream of the union of their channels, and
 * sends each event to the subscriptions of its channel. When the union changes, or a subscription
 * needs events the stream has already passed, the stream is replaced by one that resumes from
 * the oldest position any subscription needs; tabs drop per channel what they already had.
 */
export class StreamHub {
  readonly #prefix: string;
  readonly #emit: (message: HubMessage) => void;
  readonly #openStream: StreamOpener;
  readonly #subscriptions = new Map<string, HubSubscription>();
  readonly #tabs = new Set<string>();
  #stream: { close(): void } | undefined;
  #channels: ReadonlySet<string> = new Set();
  /** The cursor the current stream resumed from. */
  #cursor = '';
  /** The newest position the current stream has shown ('' before its opening cursor). */
  #head = '';
  /** The position the current stream opened at: later events are live, not replayed. */
  #opening = '';
  /**
   * The current stream may hand its channels over out of position order (it carries a cursor per
   * channel, `channelCursor.ts`): an event on one channel then says nothing of the others.
   */
  #unordered = false;
  /** When the current stream last showed a frame (or was opened), for `silenceMs`. */
  #lastFrameAt = 0;
  #reopenTimer: ReturnType<typeof setTimeout> | undefined;
  #reopenDue = 0;
  readonly #recent = new RecentFrames(RECENT_EVENTS);
  /** Channels the server closed on the current stream: it ends next, for those channels only. */
  readonly #closedChannels = new Set<string>();
  /** The server closed the current stream as a whole (a close event naming no channel): its end is every subscription's. */
  #closedWhole = false;
  /** The current stream's `sse:connection` event (its id on the server), for subscriptions that join later. */
  #identity: StreamFrame | undefined;
  /** The current stream's last `sse:presence` event per channel: a stream tells who is there only when it changes. */
  readonly #presence = new Map<string, StreamFrame>();

  /**
   * @param prefix - the middleware's mount path, e.g. `/sse`.
   * @param emit - sends a message to the tabs holding its keys.
   * @param openStream - opens the real stream (default: `fetch`).
   */
  constructor(
    prefix: string,
    emit: (message: HubMessage) => void,
    openStream: StreamOpener = (url, cursor, events) => new EventStreamReader(url, cursor, events),
  ) {
    this.#prefix = prefix;
    this.#emit = emit;
    this.#openStream = openStream;
  }

  /** Applies a tab's subscribe or unsubscribe. */
  handle(message: TabMessage): void {
    if (message.kind === 'subscribe') this.#subscribe(message);
    else if (message.kind === 'unsubscribe') this.#unsubscribe(message.key);
  }

  /** Forgets every subscription of a tab that went away. */
  removeTab(tabId: string): void {
    for (const key of this.#subscriptions.keys()) if (tabOfKey(key) === tabId) this.#subscriptions.delete(key);
    this.#afterRemoval();
  }

  /** Closes the stream and forgets every subscription, without telling the tabs. */
  close(): void {
    clearTimeout(this.#reopenTimer);
    this.#reopenTimer = undefined;
    this.#subscriptions.clear();
    this.#stream?.close();
    this.#stream = undefined;
  }

  #subscribe({ key, channels, cursor, silenceMs }: SubscribeMessage): void {
    const subscription: HubSubscription = { key, channels: new Set(channels), resume: positionOf(cursor), open: false };
    this.#subscriptions.set(key, subscription);
    this.#watchTab(tabOfKey(key));
    const silent = silenceMs > 0 && Date.now() - this.#lastFrameAt >= silenceMs;
    if (!this.#stream || silent || !this.#covers(subscription)) this.#queueReopen();
    else if (this.#head) {
      this.#markOpen([subscription]);
      const identity = this.#identity;
      if (identity) this.#emit({ kind: 'event', keys: [key], type: identity.type, data: identity.data, id: '' });
      for (const channel of subscription.channels) {
        const presence = this.#presence.get(channel);
        if (presence) this.#emit({ kind: 'event', keys: [key], type: presence.type, data: presence.data, id: '' });
      }
      this.#catchUp(subscription);
    }
  }

  /** Forgets a tab's subscriptions when it goes away without saying so (closed, crashed). */
  #watchTab(tabId: string): void {
    if (this.#tabs.has(tabId)) return;
    this.#tabs.add(tabId);
    whenTabGone(tabId, () => {
      this.#tabs.delete(tabId);
      this.removeTab(tabId);
    });
  }

  #unsubscribe(key: string): void {
    if (this.#subscriptions.delete(key)) this.#afterRemoval();
  }

  /** Whether the current stream still brings everything the subscription needs. */
  #covers(subscription: HubSubscription): boolean {
    if (![...subscription.channels].every((channel) => this.#channels.has(channel))) return false;
    if (!subscription.resume) return true;
    // The stream brings everything after its cursor; once it runs, what it passed is in `#recent`.
    const floor = this.#recent.floor || this.#cursor;
    return floor !== '' && !isAfter(floor, subscription.resume);
  }

  /** Sends a subscription that joined behind the stream what it missed of it. */
  #catchUp(subscription: HubSubscription): void {
    for (const frame of this.#recent.since(subscription.resume, subscription.channels)) {
      subscription.resume = laterPosition(subscription.resume, positionOf(frame.id));
      if (skips(frame, subscription.key)) continue;
      this.#emit({ kind: 'event', keys: [subscription.key], type: frame.type, data: frame.data, id: frame.id });
    }
  }

  #afterRemoval(): void {
    if (this.#subscriptions.size === 0) {
      this.#stream?.close();
      this.#stream = undefined;
      this.#channels = new Set();
      return;
    }
    if (!sameChannels(this.#union(), this.#channels)) this.#queueReopen(NARROWING_DELAY_MS);
  }

  #union(): Set<string> {
    const union = new Set<string>();
    for (const { channels } of this.#subscriptions.values()) for (const channel of channels) union.add(channel);
    return union;
  }

  /**
   * Replaces the stream after `delayMs`: 0 coalesces the subscriptions of one page load (or one
   * leader change); a narrower union waits longer, since a page being closed leaves element by element.
   */
  #queueReopen(delayMs = 0): void {
    const due = Date.now() + delayMs;
    if (this.#reopenTimer !== undefined && this.#reopenDue <= due) return;
    clearTimeout(this.#reopenTimer);
    this.#reopenDue = due;
    this.#reopenTimer = setTimeout(() => {
      this.#reopenTimer = undefined;
      this.#reopen();
    }, delayMs);
  }

  #reopen(): void {
    this.#stream?.close();
    this.#stream = undefined;
    this.#head = '';
    this.#opening = '';
    this.#unordered = false;
    this.#recent.reset('');
    this.#closedChannels.clear();
    this.#closedWhole = false;
    this.#identity = undefined;
    this.#presence.clear();
    this.#channels = this.#union();
    if (this.#channels.size === 0) return;
    let cursor = '';
    for (const { resume } of this.#subscriptions.values())
      if (resume && (!cursor || isAfter(cursor, resume))) cursor = resume;
    this.#cursor = cursor;
    this.#lastFrameAt = Date.now();
    const names = [...this.#channels].sort().map(encodeURIComponent).join(',');
    const stream = this.#openStream(`${this.#prefix}?channels=${names}`, cursor, {
      opened: () => undefined,
      frame: (frame) => {
        if (this.#stream === stream) this.#frame(frame);
      },
      ended: (end) => {
        if (this.#stream === stream) this.#ended(end);
      },
    });
    this.#stream = stream;
  }

  #frame(frame: StreamFrame): void {
    this.#lastFrameAt = Date.now();
    const { channel, position } = this.#route(frame);
    if (frame.kind === 'cursor') {
      // A cursor per channel: the stream starts each channel at its own position; the earliest is
      // where every channel has all it is owed (what is older and not owed, tabs drop per channel).
      const perChannel = parseChannelCursor(frame.id);
      if (perChannel) this.#unordered = true;
      const first = this.#head === '';
      this.#head = laterPosition(this.#head, perChannel ? earliest(perChannel.values()) : position);
      if (first) {
        this.#opening = this.#head;
        this.#recent.reset(this.#cursor || this.#head);
        this.#markOpen([...this.#subscriptions.values()].filter((subscription) => !subscription.open));
      }
      return;
    }
    this.#head = laterPosition(this.#head, position);
    if (frame.type === CONNECTION_EVENT && !frame.id) this.#identity = frame;
    if (frame.type === PRESENCE_EVENT && channel !== undefined) this.#presence.set(channel, frame);
    if (frame.type === CLOSE_EVENT) this.#closed(channel);
    if (position && channel !== undefined) this.#recent.add(channel, position, frame);
    const live = position !== '' && this.#opening !== '' && isAfter(position, this.#opening);
    const keys: string[] = [];
    for (const subscription of this.#subscriptions.values()) {
      if (!subscription.open) continue;
      const mine = channel === undefined || subscription.channels.has(channel);
      // Live events come in position order: one on any channel means the others have nothing older
      // (unless the stream says its channels may come out of that order).
      if (position && (mine || (live && !this.#unordered)))
        subscription.resume = laterPosition(subscription.resume, position);
      if (mine && !skips(frame, subscription.key)) keys.push(subscription.key);
    }
    if (keys.length > 0) this.#emit({ kind: 'event', keys, type: frame.type, data: frame.data, id: frame.id });
  }

  /** The server's close event: of the whole stream, or of `channel` on a stream that goes on for the others. */
  #closed(channel: string | undefined): void {
    if (channel === undefined) {
      this.#closedWhole = true;
      return;
    }
    // The stream no longer carries it: a later subscription to it needs a new stream.
    this.#closedChannels.add(channel);
    this.#channels = new Set([...this.#channels].filter((name) => name !== channel));
  }

  /** The channel an event belongs to (none: every subscription gets it) and its position. */
  #route(frame: StreamFrame): { channel: string | undefined; position: string } {
    const named = frame.type === GAP_EVENT || frame.type === CLOSE_EVENT || frame.type === PRESENCE_EVENT;
    const channel = named ? channelInData(frame.data) : splitStreamEventId(frame.id).channel;
    return { channel, position: positionOf(frame.id) };
  }

  #markOpen(subscriptions: HubSubscription[]): void {
    if (subscriptions.length === 0) return;
    for (const subscription of subscriptions) {
      subscription.open = true;
      subscription.resume ||= this.#head;
    }
    this.#emit({ kind: 'open', keys: subscriptions.map(({ key }) => key), cursor: this.#head });
  }

  #ended(end: StreamEnd): void {
    const all = [...this.#subscriptions.values()];
    const ending = this.#endedFor(end, all);
    if (ending.length < all.length) {
      for (const { key } of ending) this.#subscriptions.delete(key);
      if (ending.length > 0) this.#emit({ kind: 'dropped', keys: ending.map(({ key }) => key), end });
      this.#queueReopen();
      return;
    }
    const keys = [...this.#subscriptions.keys()];
    this.close();
    this.#channels = new Set();
    this.#head = '';
    this.#identity = undefined;
    this.#presence.clear();
    this.#recent.reset('');
    if (keys.length > 0) this.#emit({ kind: 'dropped', keys, end });
  }

  /**
   * The subscriptions the stream's end is over for; the others go on on a new stream. The server
   * closed the whole stream: every one (an earlier close of some channels changes nothing). It
   * closed some channels: those. It refused one channel (a 403 naming it): the subscriptions of
   * that channel. It refused the stream otherwise with a 4xx other than 401: what the newcomers
   * asked for. Else (a loss, a 401, a refusal of nothing new): every one.
   */
  #endedFor(end: StreamEnd, all: HubSubscription[]): HubSubscription[] {
    if (this.#closedWhole) return all;
    const closed = this.#closedChannels;
    if (closed.size > 0) return all.filter(({ channels }) => [...channels].some((channel) => closed.has(channel)));
    const refused = end.status === 403 ? end.channel : undefined;
    const ofRefused = refused === undefined ? [] : all.filter(({ channels }) => channels.has(refused));
    if (ofRefused.length > 0) return ofRefused;
    const newcomers = all.filter((subscription) => !subscription.open);
    return isClientRefusal(end) && end.status !== 401 && newcomers.length > 0 ? newcomers : all;
  }
}
