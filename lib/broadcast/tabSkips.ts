import { SKIP_TAB_COMMENT, TAB_SEPARATOR } from '../protocol/tabExclusion';
import { tabExclusionOf } from './connectionId';

/**
 * For each connection that `exclude` names by tab (`<connection id>/<tab id>`, see
 * `lib/protocol/tabExclusion.ts`): the comment lines to write in front of the event on that
 * connection, one `:sse-skip-tab <tab id>` per tab. Undefined when `exclude` names no tab, which
 * is the common case and costs one scan.
 */
export function tabSkipsOf(exclude: readonly string[]): Map<string, Buffer> | undefined {
  let lines: Map<string, string> | undefined;
  for (const entry of exclude) {
    // Entries from another process (read back from Redis) are checked again: a bad one is no tab.
    if (typeof entry !== 'string' || !entry.includes(TAB_SEPARATOR)) continue;
    const tab = tabExclusionOf(entry);
    if (!tab) continue;
    lines ??= new Map();
    lines.set(tab.connectionId, `${lines.get(tab.connectionId) ?? ''}:${SKIP_TAB_COMMENT} ${tab.tabId}\n`);
  }
  if (!lines) return undefined;
  const skips = new Map<string, Buffer>();
  for (const [connectionId, text] of lines) skips.set(connectionId, Buffer.from(text, 'latin1'));
  return skips;
}
