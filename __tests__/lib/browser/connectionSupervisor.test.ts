import type { ConnectionBinding } from '../../../lib/browser/connectionBinding';
import { ConnectionSupervisor } from '../../../lib/browser/connectionSupervisor';
import { lostEnd, refusedEnd } from '../../../lib/browser/streamEnd';
import {
  MONITOR_DEFAULTS,
  type MonitorConfigData,
  type MonitorStateDetail,
  STATE_DOM_EVENT,
} from '../../../lib/protocol/monitorContract';
import { CLOSE_EVENT } from '../../../lib/protocol/protocolEvents';
import { ManualClock } from '../../support/manualClock';

/** What the supervisor asked of its binding, with the clock's time. */
interface Call {
  call: 'connect' | 'disconnect';
  at: number;
  lastEventId?: string;
}

/**
 * A dialect binding that records what it is asked; `answer` plays the dialect's part after each
 * connect (open the stream, or report it lost).
 */
class RecordingBinding implements ConnectionBinding {
  readonly calls: Call[] = [];
  answer: ((supervisor: ConnectionSupervisor) => void) | undefined;
  supervisor: ConnectionSupervisor | undefined;
  readonly #clock: ManualClock;

  constructor(clock: ManualClock) {
    this.#clock = clock;
  }

  connect(lastEventId: string): void {
    this.calls.push({ call: 'connect', at: this.#clock.monotonic(), lastEventId });
    if (this.supervisor) this.answer?.(this.supervisor);
  }

  disconnect(): void {
    this.calls.push({ call: 'disconnect', at: this.#clock.monotonic() });
  }

  dispose(): void {}

  /** When each connect was asked for. */
  connects(): number[] {
    return this.calls.filter(({ call }) => call === 'connect').map(({ at }) => at);
  }
}

/** A supervisor on a stand-in element, driven by a manual clock, with every state it publishes. */
function supervise(overrides: Partial<MonitorConfigData> = {}) {
  const clock = new ManualClock();
  const element = Object.assign(new EventTarget(), { setAttribute: () => {} }) as unknown as Element;
  const states: (MonitorStateDetail & { at: number })[] = [];
  element.addEventListener(STATE_DOM_EVENT, (event) =>
    states.push({ ...(event as CustomEvent<MonitorStateDetail>).detail, at: clock.monotonic() }),
  );
  const config: MonitorConfigData = {
    ...MONITOR_DEFAULTS,
    connectionId: 'c1',
    statusId: null,
    jitter: 0,
    ...overrides,
  };
  const binding = new RecordingBinding(clock);
  const supervisor = new ConnectionSupervisor(element, config, clock);
  binding.supervisor = supervisor;
  supervisor.start(binding);
  return { clock, binding, supervisor, states };
}

const refused = (supervisor: ConnectionSupervisor): void => supervisor.dropped(lostEnd('unreachable'));

describe('ConnectionSupervisor on a manual clock', () => {
  describe('heartbeat timeout', () => {
    it('drops a stream silent for heartbeatTimeoutMs and reconnects from its cursor; anything received restarts the wait', () => {
      const { clock, binding, supervisor, states } = supervise({ heartbeatTimeoutMs: 45_000, reconnectDelayMs: 1000 });
      supervisor.opened();
      clock.advance(44_999);
      supervisor.received('e1');
      clock.advance(44_999);
      expect(supervisor.state).toBe('connected');
      expect(binding.calls).toEqual([]);

      clock.advance(1);
      expect(binding.calls).toEqual([{ call: 'disconnect', at: 89_999 }]);
      expect(states.at(-1)).toEqual({
        connectionId: 'c1',
        state: 'reconnecting',
        attempt: 1,
        delayMs: 1000,
        at: 89_999,
      });
      clock.advance(1000);
      expect(binding.calls.at(-1)).toEqual({ call: 'connect', at: 90_999, lastEventId: 'e1' });
    });

    it('sets no heartbeat timer with heartbeatTimeoutMs 0', () => {
      const { clock, supervisor } = supervise({ heartbeatTimeoutMs: 0 });
      supervisor.opened();
      expect(clock.pending).toBe(0);
      clock.advance(10 * 60_000);
      expect(supervisor.state).toBe('connected');
    });
  });

  describe('backoff', () => {
    it('waits the base delay doubled per attempt, capped at reconnectDelayMs × maxBackoffMultiplier, then gives up', () => {
      const { clock, binding, supervisor, states } = supervise({
        reconnectDelayMs: 1000,
        maxBackoffMultiplier: 8,
        maxReconnectAttempts: 6,
      });
      binding.answer = refused;
      supervisor.dropped(lostEnd('unreachable'));
      clock.advance(60_000);
      // Each attempt is made its delay after the one before failed.
      const connects = binding.connects();
      expect(connects.map((at, n) => at - (connects[n - 1] ?? 0))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
      expect(states.map(({ state, attempt }) => `${state}#${attempt}`)).toEqual([
        'connecting#0',
        ...[1, 2, 3, 4, 5, 6].map((attempt) => `reconnecting#${attempt}`),
        'error#6',
      ]);
      expect(clock.pending).toBe(0);
    });

    it('spreads each delay by the jitter', () => {
      const random = jest.spyOn(Math, 'random').mockReturnValue(0);
      try {
        const { clock, binding, supervisor } = supervise({ reconnectDelayMs: 1000, jitter: 0.3 });
        supervisor.dropped(lostEnd('unreachable'));
        clock.advance(699);
        expect(binding.connects()).toEqual([]);
        clock.advance(1);
        expect(binding.connects()).toEqual([700]);
      } finally {
        random.mockRestore();
      }
    });

    it('starts again from the base delay once a stream opened', () => {
      const { clock, binding, supervisor } = supervise({ reconnectDelayMs: 1000, heartbeatTimeoutMs: 0 });
      binding.answer = refused;
      supervisor.dropped(lostEnd('unreachable'));
      clock.advance(1000 + 2000 + 4000);
      expect(binding.connects()).toEqual([1000, 3000, 7000]);
      binding.answer = (self) => self.opened();
      clock.advance(8000);
      expect(supervisor.state).toBe('connected');

      binding.answer = undefined;
      supervisor.dropped(lostEnd('server went away'));
      clock.advance(999);
      expect(binding.connects()).toHaveLength(4);
      clock.advance(1);
      expect(binding.connects().at(-1)).toBe(16_000);
    });

    it('does not reconnect a paused (hidden) page, and skips the wait when it becomes visible', () => {
      const { clock, binding, supervisor } = supervise({ reconnectDelayMs: 30_000, pauseWhenHidden: true });
      supervisor.opened();
      supervisor.visibilityChanged(true);
      expect(supervisor.state).toBe('disconnected');
      expect(clock.pending).toBe(0);
      clock.advance(60_000);
      expect(binding.connects()).toEqual([]);
      supervisor.visibilityChanged(false);
      expect(binding.connects()).toEqual([60_000]);
    });
  });

  describe("the server's close event", () => {
    it('with { reconnect: true, after }: waits what the server asked instead of the backoff', () => {
      const { clock, binding, supervisor, states } = supervise({ reconnectDelayMs: 100 });
      supervisor.opened();
      supervisor.protocolEvent(CLOSE_EVENT, JSON.stringify({ reconnect: true, after: 5000 }));
      // The stream's end, seen after the close event, does not bring the attempt forward.
      supervisor.dropped(lostEnd('stream ended'));
      clock.advance(4999);
      expect(binding.connects()).toEqual([]);
      clock.advance(1);
      expect(binding.connects()).toEqual([5000]);
      expect(states.at(-1)).toMatchObject({ state: 'reconnecting', attempt: 1, delayMs: 5000 });
    });

    it('with { reconnect: false }: closed for good, and a stream that lingers is dropped after a grace period', () => {
      const { clock, binding, supervisor } = supervise({ reconnectDelayMs: 100 });
      supervisor.opened();
      supervisor.protocolEvent(CLOSE_EVENT, JSON.stringify({ reconnect: false, reason: 'job done' }));
      expect(supervisor.state).toBe('closed');
      clock.advance(1999);
      expect(binding.calls).toEqual([]);
      clock.advance(1);
      expect(binding.calls).toEqual([{ call: 'disconnect', at: 2000 }]);
      clock.advance(60 * 60_000);
      expect(binding.connects()).toEqual([]);
      expect(clock.pending).toBe(0);
    });
  });

  describe('access that ended: unauthorized', () => {
    const revoked = (extra: Record<string, unknown> = {}) =>
      JSON.stringify({ reconnect: false, reason: 'revoked', ...extra });
    const stateNames = (states: MonitorStateDetail[]) => states.map(({ state, attempt }) => `${state}#${attempt}`);

    it('a revoked close ends the stream in unauthorized: no attempt ever, a lingering stream dropped after the grace period, no timer left', () => {
      const { clock, binding, supervisor, states } = supervise({ reconnectDelayMs: 100 });
      supervisor.opened();
      supervisor.protocolEvent(CLOSE_EVENT, revoked());
      expect(supervisor.state).toBe('unauthorized');
      // The server ends the stream next: the end is no loss to reconnect from.
      supervisor.dropped(lostEnd('stream ended'));
      expect(binding.calls).toEqual([{ call: 'disconnect', at: 0 }]);
      clock.advance(60 * 60_000);
      expect(binding.connects()).toEqual([]);
      expect(stateNames(states)).toEqual(['connecting#0', 'connected#0', 'unauthorized#0']);
      expect(clock.pending).toBe(0);
    });

    it("'revoked' wins over reconnect: true, and a page shown again or resumed from the back/forward cache does not reconnect it", () => {
      const { clock, binding, supervisor } = supervise({ reconnectDelayMs: 100, pauseWhenHidden: true });
      supervisor.opened();
      supervisor.protocolEvent(CLOSE_EVENT, revoked({ reconnect: true, after: 10 }));
      expect(supervisor.state).toBe('unauthorized');
      supervisor.visibilityChanged(true);
      supervisor.visibilityChanged(false);
      supervisor.pause();
      supervisor.resume();
      supervisor.closedByApp();
      clock.advance(60_000);
      expect(binding.connects()).toEqual([]);
      expect(supervisor.state).toBe('unauthorized');
      expect(clock.pending).toBe(0);
    });

    it('a revoked close naming a channel (the stream goes on for its others) drops the stream at once, with no attempt', () => {
      const { clock, binding, supervisor, states } = supervise({ reconnectDelayMs: 100 });
      supervisor.opened();
      supervisor.protocolEvent(CLOSE_EVENT, revoked({ channel: 'board' }));
      expect(supervisor.state).toBe('unauthorized');
      clock.advance(0);
      expect(binding.calls).toEqual([{ call: 'disconnect', at: 0 }]);
      clock.advance(60 * 60_000);
      expect(binding.connects()).toEqual([]);
      expect(stateNames(states)).toEqual(['connecting#0', 'connected#0', 'unauthorized#0']);
      expect(clock.pending).toBe(0);
    });

    it.each([401, 403])(
      'a reconnect refused with %i is unauthorized at once: no further attempt, whatever the limit',
      (status) => {
        const { clock, binding, supervisor, states } = supervise({ reconnectDelayMs: 100, maxReconnectAttempts: null });
        supervisor.opened();
        binding.answer = (self) => self.dropped(refusedEnd(status));
        supervisor.dropped(lostEnd('network cut'));
        clock.advance(100);
        expect(binding.connects()).toEqual([100]);
        expect(supervisor.state).toBe('unauthorized');
        clock.advance(60 * 60_000);
        expect(binding.connects()).toEqual([100]);
        expect(stateNames(states)).toEqual(['connecting#0', 'connected#0', 'reconnecting#1', 'unauthorized#0']);
        expect(clock.pending).toBe(0);
      },
    );

    it('a first connect refused with 403 is unauthorized with no attempt; other refusals keep the backoff', () => {
      const denied = supervise({ reconnectDelayMs: 100 });
      denied.supervisor.dropped(refusedEnd(403, 'board'));
      expect(denied.supervisor.state).toBe('unauthorized');
      expect(denied.clock.pending).toBe(0);
      expect(denied.binding.connects()).toEqual([]);

      const unavailable = supervise({ reconnectDelayMs: 100 });
      unavailable.supervisor.dropped(refusedEnd(503));
      expect(unavailable.supervisor.state).toBe('reconnecting');
    });

    it('sseMonitor.reconnect (reconnectNow) leaves unauthorized: the next stream opens as usual', () => {
      const { binding, supervisor, states } = supervise({ reconnectDelayMs: 100 });
      supervisor.dropped(refusedEnd(401));
      binding.answer = (self) => self.opened();
      supervisor.reconnectNow();
      expect(binding.connects()).toEqual([0]);
      expect(stateNames(states)).toEqual(['connecting#0', 'unauthorized#0', 'connecting#0', 'connected#0']);
    });
  });

  it('leaves no timer behind when destroyed mid-outage', () => {
    const { clock, binding, supervisor } = supervise({ reconnectDelayMs: 1000 });
    supervisor.opened();
    supervisor.dropped(lostEnd('unreachable'));
    expect(clock.pending).toBe(1);
    supervisor.destroy();
    expect(clock.pending).toBe(0);
    clock.advance(60_000);
    expect(binding.connects()).toEqual([]);
  });
});
