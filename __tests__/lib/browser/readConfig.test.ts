import { readMonitorConfig, readMonitorOptions } from '../../../lib/browser/readConfig';
import { MONITOR_DEFAULTS } from '../../../lib/protocol/monitorContract';

describe('readMonitorConfig (the browser side of data-sse-monitor)', () => {
  it('reads a full config', () => {
    const config = {
      connectionId: 'a',
      statusId: null,
      autoReconnect: false,
      maxReconnectAttempts: null,
      reconnectDelayMs: 5,
      maxBackoffMultiplier: 2,
      jitter: 0.5,
      pauseWhenHidden: true,
      reconnectWhenVisible: false,
      heartbeatTimeoutMs: 10,
      logToConsole: true,
      callbacks: { connected: 'live' },
    };
    expect(readMonitorConfig(JSON.stringify(config))).toEqual(config);
  });

  it('falls back to the default for each bad value and ignores unknown keys and states', () => {
    const text = JSON.stringify({
      connectionId: 'a',
      maxReconnectAttempts: -1,
      reconnectDelayMs: 'soon',
      maxBackoffMultiplier: 0,
      jitter: 3,
      pauseWhenHidden: 'yes',
      heartbeatTimeoutMs: Number.NaN,
      callbacks: { connected: 7, online: 'f', closed: 'done' },
      extra: true,
    });
    expect(readMonitorConfig(text)).toEqual({
      connectionId: 'a',
      statusId: 'sse-status-a',
      ...MONITOR_DEFAULTS,
      callbacks: { closed: 'done' },
    });
  });

  it('reads a resync path as given (its origin is checked when fetched) and drops one that is not a non-empty string', () => {
    expect(readMonitorConfig('{"connectionId":"a","resync":"/board"}')?.resync).toBe('/board');
    for (const resync of ['', 42, null, ['/board']])
      expect(readMonitorConfig(JSON.stringify({ connectionId: 'a', resync }))?.resync).toBeUndefined();
  });

  it.each([null, '', 'not json', '[]', '"a"', '{}', '{"connectionId":""}', '{"connectionId":5}'])(
    'gives undefined for %p',
    (text) => {
      expect(readMonitorConfig(text)).toBeUndefined();
    },
  );
});

describe('readMonitorOptions (the browser side of <SseHead supervise>)', () => {
  it('reads the options alone, a bad value falling back to its default, with no ids or resync', () => {
    expect(readMonitorOptions('{"reconnectDelayMs":150,"jitter":7,"connectionId":"x","resync":"/r"}')).toEqual({
      ...MONITOR_DEFAULTS,
      reconnectDelayMs: 150,
    });
    expect(readMonitorOptions('{}')).toEqual(MONITOR_DEFAULTS);
  });

  it.each([null, '', 'not json', '"a"', 'null'])('gives undefined for %p', (text) => {
    expect(readMonitorOptions(text)).toBeUndefined();
  });
});
