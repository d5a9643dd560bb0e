import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';

declare global {
  namespace Express {
    interface Locals {
      /** This response's CSP nonce (set by {@link securityHeaders}); every script and style tag carries it. */
      cspNonce?: string;
    }
  }
}

/**
 * The page's Content Security Policy: scripts and stylesheets only from this origin or with this
 * response's nonce, streams and requests only to this origin, no framing, no plugins, forms and
 * `<base>` pinned. Style attributes stay allowed (`style-src-attr`): the job progress bar sets its
 * width with one, and a style attribute cannot run script.
 */
function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Sends a nonce-based Content Security Policy, `X-Content-Type-Options: nosniff`,
 * `X-Frame-Options: DENY` and `Referrer-Policy: same-origin` with every response, and keeps the
 * nonce on `res.locals.cspNonce` for the page to put on its tags.
 */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  const nonce = randomBytes(16).toString('base64');
  res.locals.cspNonce = nonce;
  res.set({
    'Content-Security-Policy': contentSecurityPolicy(nonce),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
  });
  next();
};
