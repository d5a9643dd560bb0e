/**
 * What the browser runtime's shared-stream hub uses of the browser that Node's types do not name,
 * so that suites can run the hub under Node (`clusterExactResume.test.ts`): Web Locks (absent in
 * Node, and the hub checks for them) and `fetch`'s `cache` option (which undici ignores).
 */
declare global {
  // Node's own types name no navigator before Node 21.
  var navigator: { locks: { request(name: string, callback: () => unknown): Promise<unknown> } };
  interface RequestInit {
    cache?: string;
  }
}

export {};
