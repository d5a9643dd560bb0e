import type { PropsWithChildren } from '@kitajs/html';
// Attribute values are escaped in full with escapeHtml: Kita escapes only `"` in them, so an `&amp;` in
// the string would otherwise reach the DOM as `&`.
import { escapeHtml } from '@kitajs/html';
import {
  ATTEMPT_TEXT_ATTRIBUTE,
  CONNECTION_STATES,
  type ConnectionState,
  INDICATOR_STATE_ATTRIBUTE,
  type IndicatorKey,
  MONITOR_CONFIG_ATTRIBUTE,
  STATE_ALIASES,
  STATE_ATTRIBUTE,
  sseStatusId,
  stateNamedBy,
} from '../lib/protocol/monitorContract';
import { describeValue } from '../lib/validation/describeValue';
import { assertElementId } from './elementId';

export type { ConnectionState, IndicatorKey, StateAlias } from '../lib/protocol/monitorContract';

/** Indicator sizes: dot and text scale together (classes `sse-status--xs` … `--lg`). */
export type StatusSize = 'xs' | 'sm' | 'md' | 'lg';

const SIZES: readonly StatusSize[] = ['xs', 'sm', 'md', 'lg'];

/** Text shown for each state unless `labels` says otherwise. */
export const DEFAULT_STATUS_LABELS: Readonly<Record<ConnectionState, string>> = Object.freeze({
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
  error: 'Connection failed',
  closed: 'Closed',
  unauthorized: 'Not allowed',
});

/** Props of {@link ConnectionStatus}. */
export interface ConnectionStatusProps {
  /** The connection shown. */
  connectionId: string;
  /** The container's id. Default `sse-status-{connectionId}`. */
  id?: string;
  /** State shown until the monitor takes over. Default `connecting`. */
  state?: ConnectionState;
  /** Dot and text size. Default `sm`. */
  size?: StatusSize;
  /** Text size on its own, when it should differ from the dot's (`sse-status--text-{size}`). Default: as `size`. */
  textSize?: StatusSize;
  /** Show the state as text next to the dot. Default true; when false the text is the dot's accessible name. */
  showText?: boolean;
  /** Hide the text (for screen readers only) below 640px; needs the stylesheet. Default true. */
  hideTextOnSmallScreens?: boolean;
  /** Text per state (escaped). `active` is accepted for `connected` (the Python library's key). */
  labels?: Partial<Record<IndicatorKey, string>>;
  /**
   * Markup per state, replacing the default dot and text (trusted JSX: escape user text inside with
   * `safe`). An element with `data-sse-attempt-text` inside gets the reconnect attempt as text.
   * `active` is accepted for `connected`.
   */
  indicators?: Partial<Record<IndicatorKey, JSX.Element>>;
  /** Extra classes of the container. */
  class?: string;
}

const STATE_KEYS = [...CONNECTION_STATES, ...Object.keys(STATE_ALIASES)].join(', ');

/** `record` keyed by state, with aliases resolved. @throws TypeError for an unknown key, or a state given twice. */
function byState<V>(
  name: string,
  record: Partial<Record<IndicatorKey, V>> | undefined,
): Partial<Record<ConnectionState, V>> {
  if (record === undefined) return {};
  if (record === null || typeof record !== 'object')
    throw new TypeError(`${name} must be an object keyed by state, got ${describeValue(record)}`);
  const resolved: Partial<Record<ConnectionState, V>> = {};
  for (const [key, value] of Object.entries(record) as [string, V][]) {
    const state = stateNamedBy(key);
    if (state === undefined) throw new TypeError(`unknown connection state ${describeValue(key)}: use ${STATE_KEYS}`);
    if (state in resolved) throw new TypeError(`${name} names state ${state} twice (${key} is ${state})`);
    resolved[state] = value;
  }
  return resolved;
}

function assertSize(name: string, size: StatusSize | undefined): void {
  if (size !== undefined && !SIZES.includes(size))
    throw new TypeError(`${name} must be one of ${SIZES.join(', ')}, got ${describeValue(size)}`);
}

function assertStatusProps(props: ConnectionStatusProps): void {
  if (props.id !== undefined) assertElementId('id', props.id);
  if (props.state !== undefined && !CONNECTION_STATES.includes(props.state))
    throw new TypeError(`state must be one of ${CONNECTION_STATES.join(', ')}, got ${describeValue(props.state)}`);
  assertSize('size', props.size);
  assertSize('textSize', props.textSize);
}

function DefaultIndicator({
  state,
  label,
  showText,
}: {
  state: ConnectionState;
  label: string;
  showText: boolean;
}): JSX.Element {
  const attempt =
    state === 'reconnecting' ? <span class="sse-status__attempt" {...{ [ATTEMPT_TEXT_ATTRIBUTE]: true }}></span> : '';
  if (!showText) {
    return (
      <>
        <span class="sse-status__dot" role="img" aria-label={escapeHtml(label)} title={escapeHtml(label)}></span>
        {attempt}
      </>
    );
  }
  return (
    <>
      <span class="sse-status__dot" aria-hidden="true"></span>
      <span class="sse-status__text">
        <span safe>{label}</span>
        {attempt === '' ? '' : ' '}
        {attempt}
      </span>
    </>
  );
}

/**
 * A connection-status indicator: one child per state, all but the current one `hidden`, so it
 * reads well with no stylesheet at all; `sse-status.css` (served by the middleware) adds dots,
 * sizes and colours through overridable custom properties. The monitor runtime switches states.
 * @throws TypeError naming any invalid prop.
 */
export function ConnectionStatus(props: PropsWithChildren<ConnectionStatusProps>): JSX.Element {
  return statusContainer(props);
}

/**
 * The markup of {@link ConnectionStatus}, optionally carrying a monitor config (JSON made safe
 * by `inlineJson`) in `data-sse-monitor`: the one way `<ConnectionMonitor>` differs from it.
 */
export function statusContainer(props: ConnectionStatusProps, monitorConfigJson?: string): JSX.Element {
  assertStatusProps(props);
  const labels = byState('labels', props.labels);
  for (const [state, label] of Object.entries(labels)) {
    if (typeof label !== 'string')
      throw new TypeError(`label of ${state} must be a string, got ${describeValue(label)}`);
  }
  const indicators = byState('indicators', props.indicators);
  const current = props.state ?? 'connecting';
  const showText = props.showText ?? true;
  const classes = ['sse-status', `sse-status--${props.size ?? 'sm'}`];
  if (props.textSize !== undefined) classes.push(`sse-status--text-${props.textSize}`);
  if (showText && (props.hideTextOnSmallScreens ?? true)) classes.push('sse-status--hide-text-sm');
  if (props.class !== undefined) classes.push(escapeHtml(props.class));
  const indicatorFor = (state: ConnectionState): JSX.Element =>
    indicators[state] ?? (
      <DefaultIndicator state={state} label={labels[state] ?? DEFAULT_STATUS_LABELS[state]} showText={showText} />
    );
  return (
    <div
      id={escapeHtml(props.id ?? sseStatusId(props.connectionId))}
      class={classes.join(' ')}
      role="status"
      aria-live="polite"
      {...{ [STATE_ATTRIBUTE]: current, [MONITOR_CONFIG_ATTRIBUTE]: monitorConfigJson }}
    >
      {CONNECTION_STATES.map((state) => (
        <span
          class={`sse-status__state sse-status__state--${state}`}
          hidden={state !== current}
          {...{ [INDICATOR_STATE_ATTRIBUTE]: state }}
        >
          {indicatorFor(state)}
        </span>
      ))}
    </div>
  );
}
