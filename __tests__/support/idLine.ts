import { get } from 'node:http';

/**
 * The raw bytes of the first event `id:` line naming `channel` on the stream at `url`, newline
 * included: what one event's id costs on the wire. `publish` is called once the stream is open
 * (its `sse:connection` event arrived); rejects after `timeoutMs` without such a line.
 */
export function firstIdLine(
  url: string,
  channel: string,
  publish: () => Promise<unknown>,
  timeoutMs = 10_000,
): Promise<Buffer> {
  const prefix = Buffer.from(`\nid: ${channel}/`);
  return new Promise((resolve, reject) => {
    let body = Buffer.alloc(0);
    let published = false;
    const finish = (error: Error | undefined, line?: Buffer): void => {
      clearTimeout(timer);
      req.destroy();
      if (error) reject(error);
      else resolve(line!);
    };
    const timer = setTimeout(() => finish(new Error(`no id line for ${channel} within ${timeoutMs} ms`)), timeoutMs);
    const req = get(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      res.on('data', (chunk: Buffer) => {
        body = Buffer.concat([body, chunk]);
        if (!published && body.includes('event: sse:connection\n')) {
          published = true;
          publish().catch((error: Error) => finish(error));
        }
        const start = body.indexOf(prefix);
        const end = start === -1 ? -1 : body.indexOf('\n', start + 1);
        if (end !== -1) finish(undefined, body.subarray(start + 1, end + 1));
      });
    });
    req.on('error', (error) => finish(error));
  });
}
