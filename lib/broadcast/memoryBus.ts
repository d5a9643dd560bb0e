import { type Clock, systemClock } from '../time/clock';
import type { Bus, BusState, Inbound } from './bus';
import { type EventHistoryOptions, resolveHistoryLimits } from './eventHistory';
import type { EventLog } from './eventLog';
import { MemoryLog } from './memoryLog';
import { NO_OTHER_PRESENCE } from './presenceStore';
import type { ProcessMessages } from './processMessages';

/**
 * One process has no other process to reach: every message answers "not found" at once. A
 * replacement follows the rule of `ProcessMessages.disconnect` here too: the broadcaster ends the
 * stream holding the id before it registers the new one, so only an older stream is ever ended.
 */
const NO_OTHER_PROCESS: ProcessMessages = {
  sendTo: async () => false,
  disconnect: async () => false,
  lookup: async () => undefined,
  announce: async () => {},
  disconnectWhere: async () => 0,
};

/**
 * The embedded default backend: one process, history in memory (`memoryLog.ts`), delivery
 * synchronous inside `append`, so a publish has reached every local connection when its promise
 * settles.
 */
export class MemoryBus implements Bus {
  /** {@inheritDoc Bus.log} @internal */
  readonly log: EventLog;
  readonly #log: MemoryLog;
  /** {@inheritDoc Bus.messages} @internal */
  readonly messages = NO_OTHER_PROCESS;
  /** {@inheritDoc Bus.presence} @internal */
  readonly presence = NO_OTHER_PRESENCE;
  #inbound: Inbound | undefined;
  #closed = false;

  /** @param history - history limits (1000 events and 4 MiB per channel, 64 MiB in all, idle channels dropped after 15 min). */
  constructor(history?: EventHistoryOptions);
  /**
   * @internal With the clock its history is timed on (the age limit, idle expiry), for tests that
   * move time by hand.
   */
  constructor(history: EventHistoryOptions | undefined, clock: Clock);
  constructor(history: EventHistoryOptions = {}, clock: Clock = systemClock) {
    this.#log = new MemoryLog(resolveHistoryLimits('MemoryBus', history), () => this.#inbound, clock);
    this.log = this.#log;
  }

  /** {@inheritDoc Bus.attach} @internal */
  attach(inbound: Inbound): void {
    this.#inbound = inbound;
  }

  /** {@inheritDoc Bus.state} */
  state(): BusState {
    const held = this.#log.held();
    return { kind: 'memory', connected: !this.#closed, channels: held.channels, historyBytes: held.bytes };
  }

  /** {@inheritDoc Bus.close} */
  async close(): Promise<void> {
    this.#closed = true;
    this.#log.close();
  }
}
