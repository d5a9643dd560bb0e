import { lostEnd, refusedEnd, type StreamEnd } from './streamEnd';

/**
 * Why the server refused an `EventSource`, which tells its page nothing but that it failed. The
 * middleware answers `HEAD` on a stream URL with the status a `GET` would get (its checks and
 * `authorize` run, nothing opens, no limit counts it), so one `HEAD` after a refusal learns the
 * status: a 401 or 403 then ends the monitor in `unauthorized` instead of retrying. A `HEAD` that
 * is allowed (the refusal has passed) or does not answer stands for a loss.
 * @param url - the refused stream URL.
 * @param withCredentials - whether the stream was opened with cookies of another origin too.
 */
export async function probeRefusal(url: string, withCredentials: boolean): Promise<StreamEnd> {
  try {
    const response = await fetch(url, {
      method: 'HEAD',
      credentials: withCredentials ? 'include' : 'same-origin',
      cache: 'no-store',
    });
    return response.ok ? lostEnd('refused') : refusedEnd(response.status);
  } catch {
    return lostEnd('refused');
  }
}
