/**
 * The seam between the broadcaster and a backend (in memory, Redis, a Redis Cluster). It has three
 * parts, each one-way from the broadcaster: the {@link EventLog} (append, read, follow, position),
 * the {@link ProcessMessages} (to connections held by other processes) and the
 * {@link PresenceStore} (who is on each channel, per process). Whatever comes back
 * comes through one path, {@link Inbound}, handed to the backend once by `attach`. A backend
 * implements `Bus`; callers never change when an app scales out.
 */
import type { BusDelivery, EventLog } from './eventLog';
import type { PresenceStore } from './presenceStore';
import type { ProcessAnswers, ProcessMessage, ProcessMessages } from './processMessages';

/**
 * The one path back into the broadcaster: everything a backend receives for this process. Nothing
 * else calls into the broadcaster.
 */
export interface Inbound {
  /**
   * Events of followed channels reached this process, in position order per channel (a read of a
   * shared backend may hand several at once). Each connection gets those it should receive in one
   * write. Returns, per delivery, how many connections it was written to.
   */
  events(deliveries: readonly BusDelivery[]): number[];
  /** A message from another process (or asked on their behalf, `count`), answered here. */
  message<T extends ProcessMessage>(message: T): ProcessAnswers[T['kind']];
}

/** The backend's view of its own health, shown in stats. */
export interface BusState {
  /** Implementation name, e.g. `memory` or `redis`. */
  kind: string;
  /** Whether publishing can currently succeed. */
  connected: boolean;
  /** Anything else worth reporting (ids seen, reconnects, …). */
  [detail: string]: unknown;
}

/**
 * A backend: its log, its messages between processes, and its life cycle (see the module comment).
 * An app creates one (`MemoryBus`, or `RedisBus` from `express-htmx-sse/redis`), hands it to
 * `createBroadcaster({ bus })` and reads its state; the seam itself (`log`, `messages`, `attach`)
 * is the library's and left out of the published types.
 */
export interface Bus {
  /** @internal The channels' events and history. */
  readonly log: EventLog;
  /** @internal Connections held by other processes. */
  readonly messages: ProcessMessages;
  /** @internal Who is on each channel, shared between processes. */
  readonly presence: PresenceStore;
  /** @internal Called once by the broadcaster that owns the backend, before any other call. */
  attach(inbound: Inbound): void;
  /** Health for stats. */
  state(): BusState;
  /** Releases every resource the backend holds. */
  close(): Promise<void>;
}

const LOG_METHODS = ['append', 'read', 'recent', 'position', 'follow', 'unfollow'] as const;
const MESSAGE_METHODS = ['sendTo', 'disconnect', 'lookup', 'announce', 'disconnectWhere'] as const;

const PRESENCE_METHODS = ['share', 'read'] as const;

const hasMethods = (value: unknown, names: readonly string[]): boolean =>
  typeof value === 'object' &&
  value !== null &&
  names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');

/** Whether `value` has the shape of a {@link Bus}: its log, its messages and its life cycle. */
export function isBus(value: unknown): value is Bus {
  return (
    hasMethods(value, ['attach', 'state', 'close']) &&
    hasMethods((value as Bus).log, LOG_METHODS) &&
    hasMethods((value as Bus).messages, MESSAGE_METHODS) &&
    hasMethods((value as Bus).presence, PRESENCE_METHODS)
  );
}
