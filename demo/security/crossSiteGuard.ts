import type { RequestHandler } from 'express';

/** Options of {@link refuseCrossSite}. */
export interface CrossSiteGuardOptions {
  /**
   * Also refuse a state change that carries neither `Sec-Fetch-Site` nor `Origin` (a client that
   * is not a browser). Default false: only browsers make cross-site requests on a user's behalf,
   * and every current one sends at least one of the two on a POST.
   */
  requireProof?: boolean;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses state-changing requests (anything but GET, HEAD, OPTIONS) that another site made a
 * browser send, such as a form on another page posting here: `Sec-Fetch-Site` must say
 * `same-origin` or, from browsers that do not send it, `Origin` must be this server's. The answer
 * is 403 with a JSON `{ error }`. Requests that read (GET) pass: they change nothing.
 */
export function refuseCrossSite(options: CrossSiteGuardOptions = {}): RequestHandler {
  const requireProof = options.requireProof ?? false;
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) {
      next();
      return;
    }
    const site = req.get('sec-fetch-site');
    const origin = req.get('origin');
    const ownOrigin = `${req.protocol}://${req.get('host')}`;
    let refusal: string | undefined;
    if (site !== undefined) {
      if (site !== 'same-origin') refusal = `Sec-Fetch-Site is ${JSON.stringify(site)}`;
    } else if (origin !== undefined) {
      if (origin !== ownOrigin) refusal = `Origin ${JSON.stringify(origin)} is not ${JSON.stringify(ownOrigin)}`;
    } else if (requireProof) {
      refusal = 'neither Sec-Fetch-Site nor Origin shows it comes from this site';
    }
    if (refusal === undefined) {
      next();
      return;
    }
    res.status(403).json({ error: `cross-site ${req.method} ${req.originalUrl} refused: ${refusal}` });
  };
}
