/**
 * Where `<PresenceList>` and `<PresenceCount>` read who is on their channel when the page is
 * rendered: a broadcaster asked there and then, or a snapshot the app read already.
 */
import { assertChannelName } from '../lib/broadcast/channelName';
import type { PresenceSnapshot } from '../lib/broadcast/presenceView';
import { describeValue } from '../lib/validation/describeValue';

/** Where a presence component reads its channel's members: a `Broadcaster`, or anything with its `presence()`. */
export interface PresenceSource {
  /** Who is on `channel` now (`Broadcaster.presence`). */
  presence(channel: string): Promise<PresenceSnapshot>;
}

/** The props every presence component reads first. */
export interface PresenceSourceProps {
  /** The channel whose presence it shows (the one `sseMiddleware`'s `presence` gives members). */
  channel: string;
  /**
   * Who is there at render time: the broadcaster (asked when the page renders, so the component
   * is async: await the page) or a snapshot read already (`await broadcaster.presence(channel)`).
   */
  presence: PresenceSource | PresenceSnapshot;
}

/** Longest text prop of a presence component (`class`, `empty`), in characters. */
const TEXT_PROP_LIMIT = 200;

/**
 * A text prop: `value` unless it is given and not a string of 1 to `limit` characters.
 * @throws TypeError naming the prop and the value.
 */
export function optionalText(owner: string, name: string, value: unknown, limit = TEXT_PROP_LIMIT): string | undefined {
  if (value !== undefined && (typeof value !== 'string' || value === '' || value.length > limit))
    throw new TypeError(`${owner}: ${name} must be a string of 1 to ${limit} characters, got ${describeValue(value)}`);
  return value;
}

const isSource = (value: unknown): value is PresenceSource =>
  typeof (value as Partial<PresenceSource> | null)?.presence === 'function';

/** `value` as a snapshot of `channel`. @throws TypeError naming the value when it is not one. */
function checkedSnapshot(owner: string, channel: string, value: unknown): PresenceSnapshot {
  const expected = `${owner}: presence must be a Broadcaster or the PresenceSnapshot of "${channel}" (broadcaster.presence(channel))`;
  const snapshot = value as Partial<PresenceSnapshot> | null;
  if (snapshot === null || typeof snapshot !== 'object')
    throw new TypeError(`${expected}, got ${describeValue(value)}`);
  if (snapshot.channel !== channel)
    throw new TypeError(`${expected}, got the snapshot of ${describeValue(snapshot.channel)}`);
  if (!Number.isSafeInteger(snapshot.count) || (snapshot.count as number) < 0)
    throw new TypeError(`${expected}: count must be a whole number >= 0, got ${describeValue(snapshot.count)}`);
  const members: unknown = snapshot.members;
  if (!Array.isArray(members))
    throw new TypeError(`${expected}: members must be an array, got ${describeValue(members)}`);
  for (const member of members)
    if (typeof (member as { id?: unknown } | null)?.id !== 'string')
      throw new TypeError(`${expected}: each member needs a string id, got ${describeValue(member)}`);
  return snapshot as PresenceSnapshot;
}

/**
 * Renders `render` with who is on the channel: at once for a snapshot, once the source answered
 * for a source. A source that fails (the bus unreachable) renders `undefined`: the element comes
 * up empty and the stream's first `sse:presence` event fills it.
 * @throws TypeError naming a bad channel or presence.
 */
export function withPresence(
  owner: string,
  props: PresenceSourceProps,
  render: (view: PresenceSnapshot | undefined) => JSX.Element,
): JSX.Element {
  if (props === null || typeof props !== 'object')
    throw new TypeError(`${owner}: props must be an object, got ${describeValue(props)}`);
  const { channel, presence } = props;
  assertChannelName(channel);
  if (!isSource(presence)) return render(checkedSnapshot(owner, channel, presence));
  return presence.presence(channel).then(render, () => render(undefined));
}
