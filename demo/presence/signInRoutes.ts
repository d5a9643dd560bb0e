import express, { type Router } from 'express';
import { parseDialect } from '../dashboardFeed';
import { refuseCrossSite } from '../security/crossSiteGuard';
import type { DemoBroadcaster } from '../streamMetadata';
import {
  clearNameCookie,
  ensureVisitorToken,
  isSignedIn,
  publicIdOf,
  readName,
  setNameCookie,
  visitorOf,
} from './visitor';

/**
 * How long the browser's other tabs wait before their streams come back as the signed-in user, in
 * ms: the close reaches them on their stream, the cookie on the sign-in's answer, and the second
 * must win.
 */
const RECONNECT_AFTER_SIGN_IN_MS = 250;

/** Where a form sends the browser back: the dashboard, in the dialect the form came from. */
function dashboardPath(dialect: unknown): string {
  const known = parseDialect(dialect);
  return known ? `/?dialect=${known}` : '/';
}

/**
 * `POST /signin` (form: `name`, `dialect`) and `POST /signout`, each only from a page of this site
 * (`refuseCrossSite({ requireProof: true })`: 403 with a JSON `{ error }` otherwise).
 *
 * Signing in keeps the name in a cookie and, once that answer is sent, ends the browser's streams
 * on every process with a close that says to reconnect shortly: its other tabs' streams (on the
 * browser's shared stream, one for all) were opened before it had a name, and come back as that
 * user, on the presence list.
 * A bad name is answered 400 with a JSON `{ error }`.
 *
 * Signing out drops the name and ends every stream of that user on every process
 * (`disconnectWhere({ metadata: { user } })`): each of its tabs gets a close with the reason
 * `revoked`, shows the signed-out state and does not reconnect. An htmx request is answered 204
 * (its tab's stream shows the rest), a plain form post is sent back to the dashboard.
 */
export function signInRoutes(broadcaster: DemoBroadcaster): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '2kb' });
  router.use(['/signin', '/signout'], refuseCrossSite({ requireProof: true }));

  router.post('/signin', form, (req, res) => {
    let name: string;
    try {
      name = readName(req.body?.name);
    } catch (error) {
      res.status(400).json({ error: (error as Error).message });
      return;
    }
    const known = visitorOf(req).token;
    ensureVisitorToken(req, res);
    setNameCookie(res, name);
    res.redirect(303, dashboardPath(req.body?.dialect));
    if (!known) return;
    // Only once the browser has the cookie: a stream it opens again before would still be anonymous.
    res.once('finish', () => {
      broadcaster
        .disconnectWhere(
          { metadata: { visitor: known } },
          { reconnect: true, after: RECONNECT_AFTER_SIGN_IN_MS, reason: 'signed in' },
        )
        .catch((error: unknown) => console.error('demo: ending the streams of a browser that signed in failed', error));
    });
  });

  router.post('/signout', async (req, res) => {
    const visitor = visitorOf(req);
    clearNameCookie(res);
    if (isSignedIn(visitor))
      await broadcaster
        .disconnectWhere({ metadata: { user: publicIdOf(visitor.token) } })
        .catch((error: unknown) => console.error('demo: ending the streams of a user who signed out failed', error));
    if (req.get('hx-request') === 'true') res.status(204).end();
    else res.redirect(303, dashboardPath(req.query.dialect));
  });

  return router;
}
