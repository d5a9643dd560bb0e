import { DIALECTS, type Dialect, parseDialect } from './dashboardFeed';

/** How the demo server runs, from the environment. */
export interface DemoConfig {
  /** `PORT`, default 3000. */
  port: number;
  /** `HOST`, default 127.0.0.1 (loopback only unless asked). */
  host: string;
  /** `DEMO_DIALECT` (`htmx2` or `htmx4`), default htmx2; a page can still ask with `?dialect=`. */
  dialect: Dialect;
  /** Resilience controls on unless `NODE_ENV=production`. */
  devMode: boolean;
}

/** Reads {@link DemoConfig} from `env`. Throws a `TypeError` naming a bad `PORT` or `DEMO_DIALECT`. */
export function readDemoConfig(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new TypeError(`PORT must be an integer 0-65535, got ${JSON.stringify(env.PORT)}`);
  const dialect = env.DEMO_DIALECT ? parseDialect(env.DEMO_DIALECT) : 'htmx2';
  if (!dialect)
    throw new TypeError(`DEMO_DIALECT must be one of ${DIALECTS.join(', ')}, got ${JSON.stringify(env.DEMO_DIALECT)}`);
  return { port, host: env.HOST || '127.0.0.1', dialect, devMode: env.NODE_ENV !== 'production' };
}
