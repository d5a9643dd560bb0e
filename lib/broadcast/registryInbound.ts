/**
 * The {@link Inbound} a broadcaster hands its bus, acting on this process's registry: live events
 * to the connections that should get them, and the messages of other processes answered. The
 * broadcaster's `sendTo`, `disconnect` and `announce` look here first through the same helpers.
 */
import { deliverBatch } from './batchDelivery';
import type { Inbound } from './bus';
import type { ConnectionRegistry } from './connectionRegistry';
import { encodeCloseFrame } from './directFrames';
import type { BusDelivery } from './eventLog';
import type { EventViews } from './eventViews';
import type { CloseWhere, ProcessAnswers, ProcessMessage } from './processMessages';
import { forEachRecipient } from './recipients';
import type { SseConnection } from './sseConnection';
import { matchesStream } from './streamMatch';

/** What the broadcaster is told of, besides its registry: channels a stream leaves, presence changed elsewhere. */
export interface RegistryHooks<M> {
  /** `connection` left `channel` and stays open for its others; `last` when no connection here carries it any more. */
  left(connection: SseConnection<M>, channel: string, last: boolean): void;
  /** Another process changed who is on `channel`. */
  presenceChanged(channel: string): void;
}

/** The one path back from the bus into `registry`; `views` render the events they cover per audience. */
export function registryInbound<M>(
  registry: ConnectionRegistry<M>,
  hooks: RegistryHooks<M>,
  views: EventViews<M>,
): Inbound {
  return {
    events: (deliveries) => {
      const viewed = views.size > 0 ? views : undefined;
      // One event (the memory bus, a read of one): the plain loop; several: one write per connection.
      return deliveries.length === 1
        ? [deliverOne(registry, deliveries[0]!, viewed)]
        : deliverBatch(registry, deliveries, viewed);
    },
    message: <T extends ProcessMessage>(message: T): ProcessAnswers[T['kind']] =>
      answer(registry, message, hooks) as ProcessAnswers[T['kind']],
  };
}

/**
 * Ends the streams of this process that `request.match` selects, with a close event. With a
 * channel in the match, a stream that carries other channels too only leaves that one (its close
 * event names the channel). Returns how many streams ended or left the channel.
 */
export function closeWhereHere<M>(
  registry: ConnectionRegistry<M>,
  request: CloseWhere,
  hooks: Pick<RegistryHooks<M>, 'left'>,
): number {
  const { match, close } = request;
  const candidates = match.channel === undefined ? registry.all() : (registry.inChannel(match.channel) ?? []);
  let streamFrame: Buffer | undefined;
  let channelFrame: Buffer | undefined;
  let ended = 0;
  for (const connection of [...candidates]) {
    if (!matchesStream(match, connection.channels, connection.metadata)) continue;
    ended += 1;
    const channel = match.channel;
    if (channel === undefined || connection.channels.length === 1) {
      streamFrame ??= encodeCloseFrame(close, false);
      connection.close(streamFrame, 'server');
      continue;
    }
    channelFrame ??= encodeCloseFrame(close, false, channel);
    leaveChannel(registry, connection, channel, channelFrame, hooks);
  }
  return ended;
}

/**
 * Takes an open stream of several channels off `channel`, then writes it `frame` (the close event
 * naming that channel); the stream stays open for its other channels.
 */
export function leaveChannel<M>(
  registry: ConnectionRegistry<M>,
  connection: SseConnection<M>,
  channel: string,
  frame: Buffer,
  hooks: Pick<RegistryHooks<M>, 'left'>,
): void {
  connection.leave(channel);
  hooks.left(connection, channel, registry.leave(connection, channel));
  connection.write(frame);
}

/** Writes the frame to the connection `connectionId` of this process; false when it is not here (or the write failed). */
export function writeHere<M>(registry: ConnectionRegistry<M>, connectionId: string, frame: Buffer): boolean {
  return registry.get(connectionId)?.write(frame) ?? false;
}

/** Ends the connection `connectionId` of this process after writing `frame`; false when it is not here. */
export function closeHere<M>(registry: ConnectionRegistry<M>, connectionId: string, frame: Buffer): boolean {
  const connection = registry.get(connectionId);
  connection?.close(frame, 'server');
  return connection !== undefined;
}

/** Writes `frame` to every connection of this process; returns to how many it was written. */
export function announceHere<M>(registry: ConnectionRegistry<M>, frame: Buffer): number {
  let written = 0;
  for (const connection of registry.all()) if (connection.write(frame)) written += 1;
  return written;
}

/** Writes one event to each connection that should receive it (as its audience's view, with `views`); returns how many it was written to. */
function deliverOne<M>(
  registry: ConnectionRegistry<M>,
  delivery: BusDelivery,
  views: EventViews<M> | undefined,
): number {
  const { id, channel, key } = delivery;
  const now = Date.now();
  let written = 0;
  const present = views?.presenter(delivery);
  if (!present) {
    forEachRecipient(registry, delivery, (connection, skip) => {
      const { frame } = delivery;
      if (connection.write(skip ? Buffer.concat([skip, frame]) : frame, id, now, channel, key)) written += 1;
    });
    return written;
  }
  // Each audience's streams written one after another: each rendering's socket chunk is built once.
  const audiences = new Map<Buffer, SseConnection<M>[]>();
  forEachRecipient(registry, delivery, (connection, skip) => {
    const frame = present(connection.metadata);
    if (!frame) return;
    if (skip) {
      if (connection.write(Buffer.concat([skip, frame]), id, now, channel, key)) written += 1;
      return;
    }
    const streams = audiences.get(frame);
    if (streams) streams.push(connection);
    else audiences.set(frame, [connection]);
  });
  for (const [frame, streams] of audiences)
    for (const connection of streams) if (connection.write(frame, id, now, channel, key)) written += 1;
  return written;
}

/** Acts on a message from another process (see {@link ProcessMessage}). */
function answer<M>(
  registry: ConnectionRegistry<M>,
  message: ProcessMessage,
  hooks: RegistryHooks<M>,
): ProcessAnswers[ProcessMessage['kind']] {
  switch (message.kind) {
    case 'write':
      return writeHere(registry, message.connectionId, message.frame);
    case 'close':
      return closeHere(registry, message.connectionId, message.frame);
    case 'describe':
      return registry.get(message.connectionId)?.info();
    case 'notice':
      return announceHere(registry, message.frame);
    case 'count':
      return registry.stats();
    case 'closeWhere':
      return closeWhereHere(registry, message.request, hooks);
    case 'presence':
      hooks.presenceChanged(message.channel);
      return undefined;
  }
}
