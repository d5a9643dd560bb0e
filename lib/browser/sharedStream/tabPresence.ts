/**
 * Tells a hub when a tab goes away, which a `MessagePort` never does: every tab holds a Web Lock
 * named after it for its whole life; the browser releases it when the tab closes or navigates,
 * and the hub's request for the same lock is granted then.
 */

const LOCK_PREFIX = 'express-htmx-sse:tab:';

/** Whether this browser has Web Locks (workers included). */
export function hasWebLocks(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.locks?.request === 'function';
}

/**
 * Holds this tab's presence lock until the tab goes away; resolves once it is held, and a tab must
 * not announce itself before (a hub asking first would be granted the lock at once).
 */
export function holdTabPresence(tabId: string): Promise<void> {
  if (!hasWebLocks()) return Promise.resolve();
  return new Promise((held) => {
    navigator.locks.request(LOCK_PREFIX + tabId, () => {
      held();
      return new Promise<never>(() => undefined);
    });
  });
}

/** Calls `gone` once the tab `tabId` has gone away (never, without Web Locks). */
export function whenTabGone(tabId: string, gone: () => void): void {
  if (hasWebLocks())
    navigator.locks.request(LOCK_PREFIX + tabId, () => {
      gone();
    });
}
