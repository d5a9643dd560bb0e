/** What {@link nginxConfig} writes. */
export interface NginxConfigOptions {
  /** The port the balancer listens on, on 127.0.0.1. */
  port: number;
  /** Ports of the demo processes on 127.0.0.1, balanced round robin. */
  upstreamPorts: readonly number[];
  /** The balancer's own directory: pid file and temp paths. */
  dir: string;
  /** Answered at `/_demo-balancer`, so the launcher can tell its nginx from another server on the port. */
  token: string;
}

/**
 * The nginx configuration of the demo cluster: one worker (so one round-robin turn for every
 * request: tabs reloaded in turn land on each process in turn), plain round robin with no
 * stickiness, and the settings event streams need behind a proxy: no response buffering, HTTP/1.1
 * to the upstreams with an empty `Connection` header, and a read timeout far longer than the
 * streams' keep-alive interval. Every path nginx writes is inside `dir` and errors go to stderr,
 * so it runs as any user.
 */
export function nginxConfig({ port, upstreamPorts, dir, token }: NginxConfigOptions): string {
  if (upstreamPorts.length === 0) throw new RangeError('the balancer needs at least one demo process');
  const servers = upstreamPorts.map((upstream) => `    server 127.0.0.1:${upstream};`).join('\n');
  return `# Written by demo/cluster/nginxConfig.ts for npm run demo:cluster.
worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr warn;

events {
  worker_connections 1024;
}

http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  # Small forms only: a body never needs a temp file.
  client_max_body_size 16k;
  client_body_buffer_size 16k;

  upstream demo_processes {
    # Round robin (nginx's default): no ip_hash, hash or sticky, so any request may go anywhere.
${servers}
  }

  server {
    listen 127.0.0.1:${port};

    location = /_demo-balancer {
      default_type text/plain;
      return 200 "${token}";
    }

    location / {
      proxy_pass http://demo_processes;
      # Event streams: pass every byte on as it comes (the library also sends X-Accel-Buffering: no).
      proxy_buffering off;
      proxy_cache off;
      # HTTP/1.1 to the upstreams, without the hop-by-hop "Connection: close" nginx sends by default.
      proxy_http_version 1.1;
      proxy_set_header Connection '';
      # A stream is quiet between keep-alives (15 s): nginx must wait far longer before it gives up.
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
      # The app sees the browser's Host (its cross-site guard compares Origin with it) and address.
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }
}
`;
}
