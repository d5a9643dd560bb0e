/**
 * Access that is checked again while a stream stays open (`createBroadcaster({ revalidate })`):
 * every stream is re-checked once per interval, the checks of a round spread over the interval,
 * and a stream that fails ends as `disconnectWhere` ends it (only the channels that failed).
 */
import { toError } from '../errors/toError';
import type { Clock } from '../time/clock';
import { describeValue } from '../validation/describeValue';
import { OptionReader } from '../validation/optionReader';
import { SpreadRounds } from './spreadRounds';
import type { ConnectionInfo } from './sseConnection';

const DEFAULT_EVERY_MS = 60_000;

/** The periodic re-check of a broadcaster's open streams. */
export interface RevalidateOptions<M> {
  /** How often each stream is re-checked, in ms (at least 1000; default 60000). The checks are spread over it. */
  everyMs?: number;
  /**
   * Whether the stream with this metadata may still receive `channel` (sync or async). Asked for
   * each channel of a stream; a channel answered false ends with a close event
   * `{ reconnect: false, reason: 'revoked' }` (naming the channel on a stream that keeps others).
   * A check that throws, rejects or answers something other than a boolean keeps the stream (an
   * outage of what it asks must not sign everyone out) and is reported to `onError`.
   */
  check(metadata: M, channel: string): boolean | Promise<boolean>;
  /** Told of each check that failed to answer. Default: ignored (`NODE_DEBUG=express-htmx-sse` logs it). */
  onError?: (error: Error, connection: ConnectionInfo<M>, channel: string) => void;
}

/** What a revalidated stream is to the rounds: its identity now, and whether it is still open. */
export interface RevalidatedStream<M> {
  readonly isOpen: boolean;
  readonly channels: readonly string[];
  readonly metadata: M;
  info(): ConnectionInfo<M>;
}

/** Ends the channels of `stream` that failed their check (every one of them: the whole stream). */
export type EndRevoked<S> = (stream: S, channels: readonly string[]) => void;

/**
 * The re-check rounds of one broadcaster (see the module comment). A stream whose previous check
 * has not answered yet is skipped, so a slow check never piles up.
 */
export class Revalidation<M, S extends RevalidatedStream<M>> {
  readonly #rounds: SpreadRounds<S>;
  readonly #checking = new Set<S>();

  /**
   * @param options - the app's `revalidate` option, checked here.
   * @param clock - where the rounds are timed.
   * @param end - ends what failed.
   * @param report - where a check that failed to answer goes when the app gave no `onError`.
   * @throws TypeError naming a bad option.
   */
  constructor(options: unknown, clock: Clock, end: EndRevoked<S>, report: (message: string) => void) {
    const read = new OptionReader<RevalidateOptions<M>>('createBroadcaster: revalidate', options);
    const everyMs = read.integer('everyMs', DEFAULT_EVERY_MS, { min: 1000 });
    const check = read.requiredFunction('check');
    const onError = read.optionalFunction('onError');
    const failed = (error: unknown, stream: S, channel: string): void => {
      if (onError) onError(toError(error), stream.info(), channel);
      else report(`revalidate: the check of ${stream.info().id} on ${channel} failed: ${toError(error).message}`);
    };
    const verify = async (stream: S): Promise<void> => {
      const channels = [...stream.channels];
      const answers = await Promise.all(
        channels.map(async (channel) => {
          try {
            const allowed: unknown = await check(stream.metadata, channel);
            if (typeof allowed === 'boolean') return allowed;
            failed(new TypeError(`check must answer a boolean, got ${describeValue(allowed)}`), stream, channel);
          } catch (error) {
            failed(error, stream, channel);
          }
          return true;
        }),
      );
      const refused = channels.filter((channel, index) => !answers[index] && stream.channels.includes(channel));
      if (refused.length > 0 && stream.isOpen) end(stream, refused);
    };
    this.#rounds = new SpreadRounds<S>(everyMs, clock, () => (stream) => {
      if (this.#checking.has(stream) || !stream.isOpen) return;
      this.#checking.add(stream);
      void verify(stream).finally(() => this.#checking.delete(stream));
    });
  }

  /** Re-checks `stream` every interval from now on. */
  add(stream: S): void {
    this.#rounds.add(stream);
  }

  /** Stops re-checking `stream` (it closed). */
  delete(stream: S): void {
    this.#rounds.delete(stream);
  }

  /** Stops every round (the broadcaster closed). */
  stop(): void {
    this.#rounds.stop();
  }
}
