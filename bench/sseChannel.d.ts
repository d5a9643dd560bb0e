/** The part of sse-channel (which ships no types) the bench uses. */
declare module 'sse-channel' {
  import type { EventEmitter } from 'node:events';
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface SseChannelOptions {
    historySize?: number;
    retryTimeout?: number;
    pingInterval?: number;
    jsonEncode?: boolean;
  }

  interface SseChannelMessage {
    id?: number | string;
    event?: string;
    data: string;
  }

  class SseChannel extends EventEmitter {
    constructor(options?: SseChannelOptions);
    addClient(req: IncomingMessage, res: ServerResponse, callback?: () => void): void;
    send(message: SseChannelMessage | string): void;
    getConnectionCount(): number;
    close(): void;
  }

  export = SseChannel;
}
