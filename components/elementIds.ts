/**
 * Ids that tie a connection's pieces together, like the reference library's: the SSE-connected
 * element is `sse-element-{connectionId}`, its status container `sse-status-{connectionId}`.
 * The browser monitor computes the same ids from the same module.
 */
export { sseElementId, sseStatusId } from '../lib/client/monitorContract';
