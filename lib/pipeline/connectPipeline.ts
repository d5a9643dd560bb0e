/**
 * The wiring of the event pipeline: events matching a pattern are rendered by an updater and
 * published to a channel, e.g. every `job:progress` becomes a progress-bar fragment on `job-{id}`.
 */
import type { Broadcaster } from '../broadcast/broadcaster';
import { assertChannelName } from '../broadcast/channelName';
import type { PublishReceipt } from '../broadcast/eventLog';
import { SINGLE_LINE } from '../protocol/fieldValidation';
import { OptionReader } from '../validation/optionReader';
import type { ElementUpdater } from './elementUpdater';
import type { DispatchedEvent, EventDispatcher } from './eventDispatcher';

/** Options of {@link connectPipeline}. */
export interface PipelineOptions<D, M> {
  /** Where application events are dispatched. */
  dispatcher: EventDispatcher<D, unknown>;
  /** Renders an event into OOB fragments (`render(type, data)`). */
  updater: ElementUpdater<D>;
  /** Publishes the fragments. */
  broadcaster: Broadcaster<M>;
  /** Which events: an event pattern (`job:progress`, `job:*`, `**:completed`). */
  pattern: string;
  /** The channel an event's fragments go to, e.g. `(event) => \`job-${event.data.jobId}\``. */
  channel: (event: DispatchedEvent<D>) => string;
  /**
   * SSE event type to publish as. Default: unnamed, which both htmx dialects swap (htmx 4 turns
   * named events into DOM events instead), so the OOB fragments apply themselves.
   */
  event?: string;
  /** Priority of the dispatcher handler. Default 0. */
  priority?: number;
}

/**
 * Connects dispatcher → updater → broadcaster: each matching event is rendered at once and
 * published once the events before it on the same channel are, so a channel receives fragments
 * in dispatch order even when rendering takes longer for some. The dispatch resolves with the
 * publish receipt (undefined when the updater rendered nothing, which is not published).
 * Returns a function that disconnects it.
 * @throws TypeError naming a bad pattern, channel function or event name.
 */
export function connectPipeline<D, M>(options: PipelineOptions<D, M>): () => void {
  const read = new OptionReader<PipelineOptions<D, M>>('connectPipeline', options);
  const { dispatcher, updater, broadcaster, pattern } = options;
  const channelOf = read.requiredFunction('channel');
  const event =
    read.raw('event') === undefined
      ? undefined
      : read.string('event', '', SINGLE_LINE, 'a string without CR, LF or NUL');
  const priority = read.number('priority', 0, { min: Number.NEGATIVE_INFINITY });
  const tails = new Map<string, Promise<unknown>>();
  const publishInOrder = (pipelineEvent: DispatchedEvent<D>): Promise<PublishReceipt | undefined> => {
    const channel = channelOf(pipelineEvent);
    assertChannelName(channel);
    const html = updater.render(pipelineEvent.type, pipelineEvent.data);
    html.catch(() => {}); // awaited below, after the channel's earlier events; not unhandled meanwhile
    const previous = tails.get(channel) ?? Promise.resolve();
    const published = previous.then(async () => {
      const data = await html;
      return data === '' ? undefined : broadcaster.publish(channel, { event, data });
    });
    const tail = published.catch(() => {}); // one failed publish must not block the channel
    tails.set(channel, tail);
    tail.then(() => {
      if (tails.get(channel) === tail) tails.delete(channel);
    });
    return published;
  };
  return dispatcher.on(pattern, publishInOrder, { priority, name: `connectPipeline(${pattern})` });
}
