/**
 * One tab of a browser's shared stream. Every tab of a browser reads the same stream, so leaving
 * "the tab that made this change" out of a broadcast cannot drop the event for that stream: the
 * page names itself `<connection id>/<tab id>` in `SSE-Connection-Id`, `exclude` accepts that
 * form, and the server writes the event to the shared stream behind a comment line
 * `:sse-skip-tab <tab id>`, which the browser's stream hub reads to skip that tab only. Other
 * clients ignore comments.
 */

/** Between the connection id and the tab id. Never part of a connection id. */
export const TAB_SEPARATOR = '/';

/** The comment that marks the event after it as not for one tab: `:sse-skip-tab <tab id>`. */
export const SKIP_TAB_COMMENT = 'sse-skip-tab';

/** A tab id: 1 to 64 of `A-Z a-z 0-9 _ . -` (fits a header list, an attribute and a comment line). */
const TAB_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** The parts of a tab exclusion. */
export interface TabExclusion {
  connectionId: string;
  tabId: string;
}

/** `<connection id>/<tab id>`. */
export function tabExclusion(connectionId: string, tabId: string): string {
  return `${connectionId}${TAB_SEPARATOR}${tabId}`;
}

/**
 * The parts of `value` when it names one tab (a valid tab id after the last separator), else
 * undefined. The connection id part is not checked here: the server checks it as any connection id.
 */
export function splitTabExclusion(value: string): TabExclusion | undefined {
  const separator = value.lastIndexOf(TAB_SEPARATOR);
  if (separator <= 0) return undefined;
  const tabId = value.slice(separator + 1);
  if (!TAB_ID.test(tabId)) return undefined;
  return { connectionId: value.slice(0, separator), tabId };
}
