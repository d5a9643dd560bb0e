import { readDemoConfig } from '../../demo/demoConfig';

describe('readDemoConfig', () => {
  it('defaults to port 3000 on loopback, htmx 2 and dev mode', () => {
    expect(readDemoConfig({})).toEqual({ port: 3000, host: '127.0.0.1', dialect: 'htmx2', devMode: true });
  });

  it('reads PORT, HOST, DEMO_DIALECT and NODE_ENV', () => {
    expect(readDemoConfig({ PORT: '8080', HOST: '0.0.0.0', DEMO_DIALECT: 'htmx4', NODE_ENV: 'production' })).toEqual({
      port: 8080,
      host: '0.0.0.0',
      dialect: 'htmx4',
      devMode: false,
    });
  });

  it.each(['abc', '-1', '70000', '3.5'])('refuses PORT=%s with a TypeError naming it', (port) => {
    expect(() => readDemoConfig({ PORT: port })).toThrow(
      new TypeError(`PORT must be an integer 0-65535, got ${JSON.stringify(port)}`),
    );
  });

  it('refuses an unknown DEMO_DIALECT with a TypeError naming it', () => {
    expect(() => readDemoConfig({ DEMO_DIALECT: 'htmx1' })).toThrow(
      /DEMO_DIALECT must be one of htmx2, htmx4, got "htmx1"/,
    );
  });
});
