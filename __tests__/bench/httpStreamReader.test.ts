import { HttpStreamReader, type ResponseHead } from '../../bench/httpStreamReader';

interface Read {
  heads: ResponseHead[];
  text: string;
  errors: string[];
}

/** Feeds `pieces` to a fresh reader and collects what it reported. */
function read(pieces: Buffer[]): Read {
  const result: Read = { heads: [], text: '', errors: [] };
  const reader = new HttpStreamReader({
    onHead: (head) => result.heads.push(head),
    onText: (text) => {
      result.text += text;
    },
    onError: (error) => result.errors.push(error.message),
  });
  for (const piece of pieces) reader.push(piece);
  return result;
}

const HEAD = 'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n';

function chunk(text: string): string {
  return `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
}

describe('HttpStreamReader (the load generator reads responses straight off sockets)', () => {
  const body = ['retry: 2000\n\n', 'id: 1\ndata: héllo ✓\n\n', 'id: 2\ndata: <p>two</p>\n\n'];
  const response = Buffer.from(HEAD + body.map(chunk).join(''));

  it('gives the head and the de-chunked body however the bytes are split, UTF-8 included', () => {
    for (let split = 0; split <= response.length; split += 1) {
      const result = read([response.subarray(0, split), response.subarray(split)]);
      expect(result.errors).toEqual([]);
      expect(result.heads).toEqual([
        { status: 200, headers: { 'content-type': 'text/event-stream', 'transfer-encoding': 'chunked' } },
      ]);
      expect(result.text).toBe(body.join(''));
    }
  });

  it('reads byte by byte', () => {
    const result = read(Array.from(response, (byte) => Buffer.from([byte])));
    expect(result.text).toBe(body.join(''));
  });

  it('stops at the last chunk and ignores chunk extensions', () => {
    const result = read([Buffer.from(`${HEAD}5;note=x\r\nhello\r\n0\r\n\r\nafter`)]);
    expect(result.text).toBe('hello');
  });

  it('reads a body that is not chunked until the socket ends', () => {
    const result = read([Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nid: 1\ndata: x\n\n')]);
    expect(result.text).toBe('id: 1\ndata: x\n\n');
  });

  it('reports the status of a refusal', () => {
    const result = read([Buffer.from('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\n\r\n{}')]);
    expect(result.heads[0]?.status).toBe(503);
  });

  it('reports a malformed status line and a malformed chunk size', () => {
    expect(read([Buffer.from('SSH-2.0-OpenSSH\r\n\r\n')]).errors[0]).toMatch(/not an HTTP\/1.x status line/);
    expect(read([Buffer.from(`${HEAD}zz\r\nhello\r\n`)]).errors[0]).toMatch(/bad chunk size line "zz"/);
  });
});
