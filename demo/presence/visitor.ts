/**
 * Who a request comes from, as the demo knows it from two cookies: `demo_visitor`, a random token
 * every browser gets on its first page (so the streams it opened before signing in can be found),
 * and `demo_name`, the name it signed in with (no password: the demo only shows who is here).
 * Cookies are read as untrusted input: a malformed one counts as absent.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';

/** Cookie holding the browser's token. */
export const VISITOR_COOKIE = 'demo_visitor';
/** Cookie holding the signed-in name (base64url of its UTF-8). */
export const NAME_COOKIE = 'demo_name';
/** Longest name, in characters (code points). */
export const NAME_LIMIT = 40;

const TOKEN = /^[0-9a-f]{32}$/;
const BASE64URL = /^[A-Za-z0-9_-]{1,220}$/;
/**
 * Letters, digits, punctuation, symbols and spaces: anything a person may call themselves, `<` and
 * `"` included (every page shows names as text). No control or format characters (line breaks,
 * bidirectional overrides, zero-width characters), which could disguise a name.
 */
const NAME_CHARACTERS = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]+$/u;

/** A browser as the demo knows it. */
export interface Visitor {
  /** The browser's token, or undefined for a request without a valid one (a first visit, a script). */
  token?: string;
  /** The name it signed in with, or undefined when signed out. */
  name?: string;
}

/** A visitor that signed in. */
export interface SignedInVisitor {
  token: string;
  name: string;
}

/** `input` as an error message shows it: quoted, cut short. */
function shown(input: unknown): string {
  if (typeof input !== 'string') return `no text (${typeof input})`;
  return JSON.stringify(input.length > NAME_LIMIT * 2 ? `${input.slice(0, NAME_LIMIT * 2)}…` : input);
}

/**
 * `input` as a name: trimmed, 1 to 40 characters of {@link NAME_CHARACTERS}.
 * @throws TypeError saying what is wrong, naming the value.
 */
export function readName(input: unknown): string {
  const name = typeof input === 'string' ? input.trim() : '';
  const length = [...name].length;
  if (length === 0 || length > NAME_LIMIT)
    throw new TypeError(`a name must be 1 to ${NAME_LIMIT} characters, got ${shown(input)}`);
  if (!NAME_CHARACTERS.test(name))
    throw new TypeError(`a name may hold letters, digits, punctuation, symbols and spaces only, got ${shown(input)}`);
  return name;
}

/** The value of cookie `name` in the request's `Cookie` header, if any. */
function cookieOf(req: Request, name: string): string | undefined {
  for (const pair of (req.get('cookie') ?? '').split(';')) {
    const separator = pair.indexOf('=');
    if (separator > 0 && pair.slice(0, separator).trim() === name) return pair.slice(separator + 1).trim();
  }
  return undefined;
}

/** Who `req` comes from. */
export function visitorOf(req: Request): Visitor {
  const token = cookieOf(req, VISITOR_COOKIE);
  if (token === undefined || !TOKEN.test(token)) return {};
  const encoded = cookieOf(req, NAME_COOKIE);
  if (encoded === undefined || !BASE64URL.test(encoded)) return { token };
  try {
    return { token, name: readName(Buffer.from(encoded, 'base64url').toString('utf8')) };
  } catch {
    return { token };
  }
}

/** Whether `visitor` signed in. */
export function isSignedIn(visitor: Visitor): visitor is SignedInVisitor {
  return visitor.token !== undefined && visitor.name !== undefined;
}

/**
 * The id other people see for the visitor (presence members, stream metadata): derived from the
 * token, which itself is never shown, so that no one can act as someone they see in the list.
 */
export function publicIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

/** Attributes of every demo cookie: not readable by scripts, not sent by other sites' requests. */
const COOKIE_OPTIONS = { httpOnly: true, sameSite: 'lax', path: '/' } as const;

/** The request's token, giving the browser one first when it has none. */
export function ensureVisitorToken(req: Request, res: Response): string {
  const known = visitorOf(req).token;
  if (known) return known;
  const token = randomBytes(16).toString('hex');
  res.cookie(VISITOR_COOKIE, token, COOKIE_OPTIONS);
  return token;
}

/** Signs the response's browser in as `name`. */
export function setNameCookie(res: Response, name: string): void {
  res.cookie(NAME_COOKIE, Buffer.from(name, 'utf8').toString('base64url'), COOKIE_OPTIONS);
}

/** Signs the response's browser out. */
export function clearNameCookie(res: Response): void {
  res.clearCookie(NAME_COOKIE, COOKIE_OPTIONS);
}
