import { CONNECTION_ID_HEADER } from '../protocol/connectionHeader';

/** What htmx 2 (`htmx:configRequest`) and htmx 4 (`htmx:config:request`) put in their event's detail. */
interface ConfigRequestDetail {
  headers?: Record<string, string>;
  ctx?: { request?: { headers?: Record<string, string> } };
}

/**
 * Adds the page's own connection ids to every htmx request as the `SSE-Connection-Id` header, in
 * both dialects, so the server can leave this tab out of the broadcast its request causes.
 * `ids` is asked at each request: streams reconnect with new ids. Returns the uninstaller.
 */
export function installConnectionIdHeader(ids: () => string[]): () => void {
  const onConfigRequest = (event: Event): void => {
    const value = ids().join(',');
    if (value === '') return;
    const detail = (event as CustomEvent<ConfigRequestDetail>).detail;
    const headers = detail?.ctx?.request?.headers ?? detail?.headers;
    if (headers) headers[CONNECTION_ID_HEADER] = value;
  };
  document.addEventListener('htmx:configRequest', onConfigRequest);
  document.addEventListener('htmx:config:request', onConfigRequest);
  return () => {
    document.removeEventListener('htmx:configRequest', onConfigRequest);
    document.removeEventListener('htmx:config:request', onConfigRequest);
  };
}
