import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RequestHandler, Router } from 'express';
import { dialects } from '../lib/dialects/dialectRegistry';
import { INSPECTOR_ASSET_FILES } from '../lib/protocol/inspectorContract';
import { ASSET_FILES } from '../lib/protocol/monitorContract';
import { sendJsonError } from './jsonError';

/** One file served under `{prefix}/_assets/`. */
interface AssetSource {
  contentType: string;
  /** Absolute path candidates, first existing wins. */
  paths: () => string[];
}

const JAVASCRIPT = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** Where the built browser assets live: `dist/browser/` from the sources (tests) and from `dist/` alike. */
function builtClientAsset(file: string): () => string[] {
  return () => [join(__dirname, '..', 'browser', file), join(__dirname, '..', 'dist', 'browser', file)];
}

/** A file of an installed package; none when the package is missing (answered 500, not a crash). */
function packageFile(specifier: string): () => string[] {
  return () => {
    try {
      return [require.resolve(specifier)];
    } catch {
      return [];
    }
  };
}

/** The package's own assets; each registered dialect's scripts are added when the routes are made. */
const OWN_SOURCES: Readonly<Record<string, AssetSource>> = {
  [ASSET_FILES.monitor]: { contentType: JAVASCRIPT, paths: builtClientAsset(ASSET_FILES.monitor) },
  [ASSET_FILES.sharedStreamWorker]: {
    contentType: JAVASCRIPT,
    paths: builtClientAsset(ASSET_FILES.sharedStreamWorker),
  },
  [ASSET_FILES.styles]: { contentType: CSS, paths: builtClientAsset(ASSET_FILES.styles) },
  [INSPECTOR_ASSET_FILES.script]: { contentType: JAVASCRIPT, paths: builtClientAsset(INSPECTOR_ASSET_FILES.script) },
  [INSPECTOR_ASSET_FILES.styles]: { contentType: CSS, paths: builtClientAsset(INSPECTOR_ASSET_FILES.styles) },
};

interface LoadedAsset {
  body: Buffer;
  etag: string;
  contentType: string;
}

/** True when an `If-None-Match` header names `etag` (or `*`), weak or strong. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

/**
 * Routes serving the browser assets from the installed packages and the built runtime, so an app
 * needs no CDN: `GET {prefix}/_assets/:name` with a strong ETag, `Cache-Control: public, no-cache`
 * (cached, revalidated on each use, so an upgrade is never masked) and 304 on `If-None-Match`.
 * Unknown names get 404 JSON. Files are read once, on first request.
 */
export function assetRoutes(prefix: string): Router {
  const loaded = new Map<string, LoadedAsset>();
  const sources: Record<string, AssetSource> = {};
  for (const dialect of dialects())
    for (const { file, source } of dialect.assets)
      sources[file] = { contentType: JAVASCRIPT, paths: packageFile(source) };
  Object.assign(sources, OWN_SOURCES);

  const load = (name: string, source: AssetSource): LoadedAsset | undefined => {
    const cached = loaded.get(name);
    if (cached) return cached;
    const path = source.paths().find((candidate) => existsSync(candidate));
    if (!path) return undefined;
    const body = readFileSync(path);
    const asset = {
      body,
      contentType: source.contentType,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    };
    loaded.set(name, asset);
    return asset;
  };

  const serve: RequestHandler = (req, res) => {
    const name = String(req.params.name);
    const source = Object.hasOwn(sources, name) ? sources[name] : undefined;
    if (!source)
      return sendJsonError(
        res,
        404,
        `unknown asset ${JSON.stringify(name)}: one of ${Object.keys(sources).join(', ')}`,
      );
    const asset = load(name, source);
    if (!asset)
      return sendJsonError(res, 500, `asset ${name} is missing: install the htmx packages and run "npm run build"`);
    res.set({
      ETag: asset.etag,
      'Cache-Control': 'public, no-cache',
      'Content-Type': asset.contentType,
      'X-Content-Type-Options': 'nosniff',
    });
    if (matchesEtag(req.get('if-none-match'), asset.etag)) return void res.status(304).end();
    res.status(200).send(asset.body);
  };

  const missingName: RequestHandler = (_req, res) => sendJsonError(res, 404, 'asset name missing');

  const router = Router();
  router.get(`${prefix}/_assets/:name`, serve);
  // `_assets` is reserved: never a channel name.
  router.get(`${prefix}/_assets`, missingName);
  return router;
}
