import { type ChildProcess, spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { CLOSE_EVENT, CONNECTION_EVENT, CURSOR_EVENT } from '../../../lib/protocol/protocolEvents';
import { ChildOutput } from '../../support/childOutput';

const CLIENTS = 200;

/** Starts the child app and resolves with its port once it listens (failing with its output if it does not). */
async function startChild(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(__dirname, '..', '..', 'support', 'shutdownChild.ts')],
    {
      cwd: join(__dirname, '..', '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const [, port] = await new ChildOutput(child, 'the shutdown child').line(/^\{"port":(\d+)\}$/);
  return { child, port: Number(port) };
}

/** Opens a stream; `registered` settles on its first bytes, `events` once the server ends it. */
function openStream(port: number): { registered: Promise<void>; events: Promise<EventSourceMessage[]> } {
  let onRegistered: () => void = () => {};
  const registered = new Promise<void>((resolve) => {
    onRegistered = resolve;
  });
  const events = new Promise<EventSourceMessage[]>((resolve, reject) => {
    const received: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (event) => received.push(event) });
    const req = httpRequest({ host: '127.0.0.1', port, path: '/sse/everyone', agent: false }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        onRegistered();
        parser.feed(chunk);
      });
      res.on('end', () => resolve(received));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  return { registered, events };
}

describe('installShutdownHandler', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it(`delivers the close event to all ${CLIENTS} clients on SIGTERM, then the process exits on its own`, async () => {
    const started = await startChild();
    child = started.child;
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child!.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const streams = Array.from({ length: CLIENTS }, () => openStream(started.port));
    await Promise.all(streams.map((stream) => stream.registered));

    child.kill('SIGTERM');
    const received = await Promise.all(streams.map((stream) => stream.events));
    const { code, signal } = await exited;

    for (const all of received) {
      // After the stream's opening events (its cursor, its connection id), only the close event.
      const events = all.filter((event) => event.event !== CONNECTION_EVENT && event.event !== CURSOR_EVENT);
      expect(events).toHaveLength(1);
      expect(events[0].event).toBe(CLOSE_EVENT);
      expect(JSON.parse(events[0].data)).toEqual({ reconnect: true, after: 250, reason: 'received SIGTERM' });
    }
    // Exited by itself (no process.exit, nothing left keeping the loop alive), not killed.
    expect(signal).toBeNull();
    expect(code).toBe(0);
  });
});
