/**
 * What one htmx dialect is, in one place: the attributes a connected element renders, the scripts
 * `<SseHead>` loads for it, and how the browser runtime binds a monitor to such an element,
 * on its own stream or on the browser's shared one. Everything else (components, the asset routes,
 * the runtime) reads dialects from the registry (`dialectRegistry.ts`) and holds no branch per dialect.
 */
import type { ConnectionBinding } from '../browser/connectionBinding';
import type { ConnectionSupervisor } from '../browser/connectionSupervisor';
import type { SharedStreamChoice } from '../browser/sharedStream/sharedStreams';

/** A script of the dialect, served under `{prefix}/_assets/{file}` and loaded by `<SseHead>` in order. */
export interface DialectAsset {
  /** File name under `_assets/`. */
  readonly file: string;
  /** Module path of the file, resolved with `require.resolve` (a package file, or an absolute path). */
  readonly source: string;
}

/** What an element connects to, as `<SseElement>` resolved it from its props. */
export interface ConnectProps {
  /** The stream URL. */
  readonly url: string;
  /** Event names whose data the element swaps in (`message` is the unnamed event). */
  readonly swapEvents: readonly string[];
  /** The event that ends the stream for good, if any. */
  readonly closeEvent: string | undefined;
}

/** What the browser runtime offers a dialect's page-wide hooks. */
export interface DialectHost {
  /**
   * The supervisor of a connect element, created (and bound through the dialect) on first sight
   * when a `<ConnectionMonitor>` watches it or it asks for a resync; undefined for an element
   * nobody monitors.
   */
  supervise(element: Element): ConnectionSupervisor | undefined;
}

/** One message swapped into the page, as a dialect reports it to the inspector. */
export interface SwapReport {
  /** The connect element whose stream carried the message. */
  element: Element;
  /** The message's event name (`message` for an unnamed one). */
  event: string;
  /** The stream's last event id when it came, as the dialect read it (the message's own id, if it had one). */
  id: string;
  /** The elements its content went into: the swapping element or its target, and out-of-band targets. */
  targets: Element[];
}

/** The browser half of a dialect. */
export interface DialectRuntime {
  /** The stream URL of an element of this dialect, or null when the element is not one. */
  connectUrl(element: Element): string | null;
  /** Installs the dialect's page-wide hooks once, when the runtime starts; returns their removal. */
  install(host: DialectHost): () => void;
  /**
   * The binding of a newly supervised element: through `shared` when the element is on the
   * browser's shared stream (the dialect's shared-stream adapter), else on its own stream. The
   * dialect opens the element's first stream itself (htmx does when it processes the element);
   * the supervisor asks the binding for every later one.
   */
  bind(element: Element, supervisor: ConnectionSupervisor, shared: SharedStreamChoice | undefined): ConnectionBinding;
  /**
   * Reports each message the dialect swaps into the page, until the returned function is called
   * (asked for by the inspector only). A dialect without it shows no "swapped into".
   */
  watchSwaps?(report: (swap: SwapReport) => void): () => void;
  /**
   * Swaps `html` (a resync's answer) into the element's content as the dialect swaps a response:
   * its out-of-band parts to their targets, the rest as the element's `innerHTML`, and the new
   * content processed (its `hx-` attributes, its own SSE elements).
   */
  swapContent(element: Element, html: string): Promise<void>;
}

/** One dialect: see the file's description. */
export interface DialectDescriptor<Name extends string = string> {
  /** The value of the components' `dialect` prop. */
  readonly name: Name;
  /** Scripts `<SseHead>` loads before the monitor (htmx and its SSE extension). */
  readonly assets: readonly DialectAsset[];
  /**
   * The attributes that connect an element, unescaped (the component escapes them); an undefined
   * value renders no attribute.
   * @throws TypeError when the props ask for what the dialect cannot do.
   */
  connectAttributes(connect: ConnectProps): Record<string, string | undefined>;
  /** The browser half. */
  readonly runtime: DialectRuntime;
}
