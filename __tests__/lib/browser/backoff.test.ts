import fc from 'fast-check';
import { delayAfterServerClose, reconnectDelay } from '../../../lib/browser/backoff';

const noJitter = { reconnectDelayMs: 100, maxBackoffMultiplier: 8, jitter: 0 };

describe('reconnectDelay', () => {
  it('doubles from the base delay per attempt and stops at base × maxBackoffMultiplier', () => {
    expect([1, 2, 3, 4, 5, 6, 50].map((attempt) => reconnectDelay(attempt, noJitter))).toEqual([
      100, 200, 400, 800, 800, 800, 800,
    ]);
  });

  it('spreads each delay by at most ±jitter, both ways', () => {
    const config = { reconnectDelayMs: 1000, maxBackoffMultiplier: 32, jitter: 0.3 };
    expect(reconnectDelay(1, config, () => 0)).toBe(700);
    expect(reconnectDelay(1, config, () => 0.5)).toBe(1000);
    expect(reconnectDelay(1, config, () => 0.999999)).toBe(1300);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, random) => {
          const plain = reconnectDelay(attempt, { ...config, jitter: 0 });
          const spread = reconnectDelay(attempt, config, () => random);
          expect(spread).toBeGreaterThanOrEqual(Math.floor(plain * 0.7));
          expect(spread).toBeLessThanOrEqual(Math.ceil(plain * 1.3));
        },
      ),
    );
  });
});

describe('delayAfterServerClose', () => {
  it('waits at least what the server asked, plus up to jitter of it', () => {
    expect(delayAfterServerClose(600, 0.2, () => 0)).toBe(600);
    expect(delayAfterServerClose(600, 0.2, () => 0.5)).toBe(660);
    expect(delayAfterServerClose(600, 0, () => 0.9)).toBe(600);
  });
});
