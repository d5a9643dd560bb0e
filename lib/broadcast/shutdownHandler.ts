import type { Server } from 'node:http';
import { OptionReader } from '../validation/optionReader';
import type { Broadcaster } from './broadcaster';

/** Options of {@link installShutdownHandler}. */
export interface ShutdownOptions {
  /** Signals that start the shutdown. Default `['SIGTERM', 'SIGINT']`. */
  signals?: NodeJS.Signals[];
  /** Milliseconds to wait for open requests before their sockets are cut. Default 5000. */
  graceMs?: number;
  /** Whether clients should reconnect (to a restarted or another process). Default true. */
  reconnect?: boolean;
  /** Suggested reconnect delay sent to clients, in ms. Default 1000. */
  reconnectAfterMs?: number;
  /** Called once the server has closed (e.g. to close a database pool). */
  onClosed?: () => void;
}

/** What {@link installShutdownHandler} returns. */
export interface ShutdownHandle {
  /** Runs the shutdown now (as a signal would); resolves when the server has closed. */
  shutdown(reason?: string): Promise<void>;
  /** Removes the signal listeners without shutting down. */
  uninstall(): void;
}

/**
 * Graceful shutdown for an SSE server: on a signal, every stream first receives the close event
 * `{ reconnect, after, reason }` (flushed, then ended), then the server stops accepting, idle
 * sockets are closed and, after `graceMs`, any left are cut. Nothing here keeps the process
 * alive: it exits on its own once the app's other handles are gone. A second signal gets Node's
 * default behaviour, since the listeners are removed on the first.
 */
export function installShutdownHandler<M>(
  server: Server,
  broadcaster: Broadcaster<M>,
  options: ShutdownOptions = {},
): ShutdownHandle {
  const read = new OptionReader<ShutdownOptions>('installShutdownHandler', options);
  const signals = read.raw('signals') ?? ['SIGTERM', 'SIGINT'];
  const graceMs = read.number('graceMs', 5000);
  const reconnectAfterMs = read.integer('reconnectAfterMs', 1000);
  const reconnect = read.boolean('reconnect', true);
  read.optionalFunction('onClosed');
  let done: Promise<void> | undefined;

  const shutdown = (reason = 'server shutting down'): Promise<void> => {
    done ??= (async () => {
      uninstall();
      await broadcaster.close({ reconnect, after: reconnectAfterMs, reason });
      await new Promise<void>((resolve) => {
        const cut = setTimeout(() => server.closeAllConnections(), graceMs);
        cut.unref();
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      });
      options.onClosed?.();
    })();
    return done;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    void shutdown(`received ${signal}`);
  };
  const uninstall = (): void => {
    for (const signal of signals) process.off(signal, onSignal);
  };
  for (const signal of signals) process.on(signal, onSignal);
  return { shutdown, uninstall };
}
