/**
 * The frames a broadcaster writes outside the log: they carry no id and are kept nowhere. A close
 * event (`close`, `closeChannel`, `closeConnection`, `disconnect`, a replaced stream) and the
 * events of `sendTo` and `announce`. Each is encoded once for every connection it goes to.
 */

import { assertSingleLineField } from '../protocol/fieldValidation';
import { CLOSE_EVENT, type CloseEventData } from '../protocol/protocolEvents';
import { serializeData } from '../protocol/serializeData';
import { encodeEvent } from '../protocol/wireFormat';
import { describeValue } from '../validation/describeValue';
import type { BroadcasterCloseOptions, DirectMessage } from './broadcasterOptions';
import { assertNoEventKey } from './eventKey';

/** The close event for `options` (of `channel` alone, on a stream of several), encoded once for every stream it ends. */
export function encodeCloseFrame(
  options: BroadcasterCloseOptions,
  defaultReconnect: boolean,
  channel?: string,
): Buffer {
  const data: CloseEventData = { reconnect: options.reconnect ?? defaultReconnect };
  if (options.after !== undefined) data.after = options.after;
  if (options.reason !== undefined) data.reason = options.reason;
  if (channel !== undefined) data.channel = channel;
  return encodeEvent({ event: CLOSE_EVENT, data: JSON.stringify(data) });
}

/**
 * Encodes an id-less event for one connection or for every one (`sendTo`, `announce`, the `owner`
 * named in errors).
 */
export async function encodeDirectFrame(
  owner: string,
  message: DirectMessage,
  defaultEvent: string | undefined,
): Promise<Buffer> {
  if (message === null || typeof message !== 'object')
    throw new TypeError(`${owner}: message must be { event?, data }, got ${describeValue(message)}`);
  assertNoEventKey(owner, message);
  const event = message.event ?? defaultEvent;
  if (event !== undefined) assertSingleLineField('event', event);
  const pending = serializeData(message.data);
  return encodeEvent({ event, data: typeof pending === 'string' ? pending : await pending });
}
