import { debuglog, format } from 'node:util';

/**
 * A debug log: called with a `util.format` format and its arguments. Callers test `enabled` first,
 * so when it is off a call costs one property read and builds no string.
 */
export interface DebugLogger {
  (message: string, ...args: unknown[]): void;
  /** Whether lines are written at all. */
  readonly enabled: boolean;
}

/**
 * The `debug` option of `createBroadcaster`, `RedisBus` and `SseStream`: `true` writes this
 * instance's lines to stderr (as `NODE_DEBUG=express-htmx-sse` does, for this instance alone),
 * a function receives each line instead, `false` silences the instance even under `NODE_DEBUG`.
 * Default: the process-wide log of `NODE_DEBUG`.
 */
export type DebugOption = boolean | ((line: string) => void);

const SECTION = 'express-htmx-sse';

/**
 * The library's process-wide debug log: silent unless `NODE_DEBUG` names `express-htmx-sse`
 * (Node's `util.debuglog`), then one line per registry, stream and bus event on stderr.
 */
export const debugLog: DebugLogger = debuglog(SECTION);

/** A logger that writes nothing. */
const silent: DebugLogger = Object.assign(() => {}, { enabled: false as const });

/** `sink` as a {@link DebugLogger}: each call formatted into one line. */
function lineLogger(sink: (line: string) => void): DebugLogger {
  return Object.assign((message: string, ...args: unknown[]) => sink(format(message, ...args)), {
    enabled: true as const,
  });
}

/** The same prefix `util.debuglog` writes, so an instance's lines read like the process-wide ones. */
const stderrLine = (line: string): void =>
  void process.stderr.write(`${SECTION.toUpperCase()} ${process.pid}: ${line}\n`);

/**
 * The logger of one instance from its `debug` option (see {@link DebugOption}); `error` makes the
 * owner's option error (`read.error('debug', …)`).
 * @throws the TypeError of `error` unless the option is a boolean or a function.
 */
export function readDebugOption(value: unknown, error: (expected: string, value: unknown) => TypeError): DebugLogger {
  if (value === undefined) return debugLog;
  if (value === true) return lineLogger(stderrLine);
  if (value === false) return silent;
  if (typeof value === 'function') return lineLogger(value as (line: string) => void);
  throw error('a boolean or a function of one line', value);
}
