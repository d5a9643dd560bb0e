/** The `readyState` values of an `EventSource`, which htmx 2's extension compares against. */
export const READY_STATE = Object.freeze({ CONNECTING: 0, OPEN: 1, CLOSED: 2 });
