import { nginxConfig } from '../../demo/cluster/nginxConfig';

describe('nginxConfig (the demo cluster balancer)', () => {
  const config = nginxConfig({ port: 4100, upstreamPorts: [4101, 4102, 4103], dir: '/tmp/demo-x/nginx', token: 'abc' });

  it('balances every demo process round robin, with no stickiness', () => {
    expect(config.match(/^\s*server 127\.0\.0\.1:\d+;$/gm)).toEqual([
      '    server 127.0.0.1:4101;',
      '    server 127.0.0.1:4102;',
      '    server 127.0.0.1:4103;',
    ]);
    expect(config).not.toMatch(/^\s*(ip_hash|hash|sticky|least_conn)\b/m);
    expect(config).toMatch(/^\s*listen 127\.0\.0\.1:4100;$/m);
  });

  it('passes event streams on unbuffered, over HTTP/1.1, with a long read timeout and the client headers', () => {
    for (const directive of [
      'proxy_buffering off;',
      'proxy_http_version 1.1;',
      "proxy_set_header Connection '';",
      'proxy_read_timeout 1h;',
      'proxy_set_header Host $http_host;',
      'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    ])
      expect(config).toContain(directive);
  });

  it('writes only inside its directory and logs errors to stderr, so it runs as any user', () => {
    const paths = [...config.matchAll(/^\s*(?:pid|\w+_temp_path) (\S+);$/gm)].map((match) => match[1]);
    expect(paths.length).toBe(6);
    for (const path of paths) expect(path.startsWith('/tmp/demo-x/nginx/')).toBe(true);
    expect(config).toMatch(/^error_log stderr/m);
    expect(config).toContain('return 200 "abc";');
  });

  it('refuses a balancer with no process behind it', () => {
    expect(() => nginxConfig({ port: 1, upstreamPorts: [], dir: '/tmp', token: 't' })).toThrow(RangeError);
  });
});
