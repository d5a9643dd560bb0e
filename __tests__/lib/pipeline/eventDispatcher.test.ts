import {
  DispatchError,
  type DispatchedEvent,
  EventDispatcher,
  HandlerError,
} from '../../../lib/pipeline/eventDispatcher';

describe('EventDispatcher', () => {
  describe('routing', () => {
    it('runs every handler whose pattern matches, and returns their results in run order', async () => {
      const dispatcher = new EventDispatcher<number, string>();
      dispatcher.on('job:progress', (event) => `exact ${event.data}`);
      dispatcher.on('job:*', async (event) => `namespace ${event.data}`);
      dispatcher.on('**:progress', (event) => `any depth ${event.data}`);
      dispatcher.on('job:completed', () => 'never');
      dispatcher.on('upload:*', () => 'never');
      await expect(dispatcher.dispatch({ type: 'job:progress', data: 5 })).resolves.toEqual([
        'exact 5',
        'namespace 5',
        'any depth 5',
      ]);
      await expect(dispatcher.dispatch({ type: 'a:b:progress', data: 6 })).resolves.toEqual(['any depth 6']);
      await expect(dispatcher.dispatch({ type: 'nothing', data: 0 })).resolves.toEqual([]);
    });

    it('runs higher priorities first and keeps registration order among equal priorities', async () => {
      const dispatcher = new EventDispatcher<null, string>();
      dispatcher.on('job:*', () => 'low', { priority: -1 });
      dispatcher.on('job:done', () => 'first 0');
      dispatcher.on('**', () => 'high', { priority: 10 });
      dispatcher.on('job:*', () => 'second 0');
      dispatcher.on('job:done', () => 'third 0', { priority: 0 });
      dispatcher.on('**:done', () => 'also high', { priority: 10 });
      await expect(dispatcher.dispatch({ type: 'job:done', data: null })).resolves.toEqual([
        'high',
        'also high',
        'first 0',
        'second 0',
        'third 0',
        'low',
      ]);
    });

    it('runs handlers one after another, each finishing before the next starts', async () => {
      const dispatcher = new EventDispatcher<null, void>();
      const log: string[] = [];
      dispatcher.on('x', async () => {
        log.push('a start');
        await Promise.resolve();
        log.push('a end');
      });
      dispatcher.on('x', () => {
        log.push('b');
      });
      await dispatcher.dispatch({ type: 'x', data: null });
      expect(log).toEqual(['a start', 'a end', 'b']);
    });

    it('removes handlers by the returned function, by pattern, or all at once', async () => {
      const dispatcher = new EventDispatcher<null, string>();
      const off = dispatcher.on('a', () => 'one');
      dispatcher.on('a', () => 'two');
      dispatcher.on('*', () => 'star');
      off();
      await expect(dispatcher.dispatch({ type: 'a', data: null })).resolves.toEqual(['two', 'star']);
      dispatcher.clear('*');
      expect(dispatcher.handlerCount('a')).toBe(1);
      dispatcher.clear();
      expect(dispatcher.handlerCount('a')).toBe(0);
    });

    it('dispatches a 10,000-segment type to a **:a:**:b handler', async () => {
      const dispatcher = new EventDispatcher<null, string>();
      dispatcher.on('**:a:**:b', () => 'matched');
      const hostile = `${Array.from({ length: 9_999 }, () => 'a').join(':')}:b`;
      await expect(dispatcher.dispatch({ type: hostile, data: null })).resolves.toEqual(['matched']);
      await expect(dispatcher.dispatch({ type: `${hostile}:c`, data: null })).resolves.toEqual([]);
    });
  });

  describe('middleware', () => {
    it('can stop the dispatch: handlers do not run and its own result is returned', async () => {
      const dispatcher = new EventDispatcher<null, string>();
      const handler = jest.fn(() => 'handled');
      dispatcher.on('x', handler);
      dispatcher.use(() => ['stopped']);
      await expect(dispatcher.dispatch({ type: 'x', data: null })).resolves.toEqual(['stopped']);
      expect(handler).not.toHaveBeenCalled();
    });

    it('can modify the event, including its type (handlers are matched on the modified type)', async () => {
      const dispatcher = new EventDispatcher<number, string>();
      dispatcher.on('job:progress', (event) => `progress ${event.data}`);
      dispatcher.on('job:legacy', () => 'legacy');
      dispatcher.use((event, next) =>
        next({ type: event.type === 'job:legacy' ? 'job:progress' : event.type, data: event.data * 10 }),
      );
      await expect(dispatcher.dispatch({ type: 'job:legacy', data: 4 })).resolves.toEqual(['progress 40']);
    });

    it('can wrap the rest: code before and after, outermost middleware first, results passed back', async () => {
      const dispatcher = new EventDispatcher<null, string>();
      const log: string[] = [];
      dispatcher.on('x', () => {
        log.push('handler');
        return 'result';
      });
      dispatcher.use(async (_event, next) => {
        log.push('outer before');
        const results = await next();
        log.push(`outer after ${results.join()}`);
        return [...results, 'outer'];
      });
      dispatcher.use(async (_event, next) => {
        log.push('inner before');
        const results = await next();
        log.push('inner after');
        return results;
      });
      await expect(dispatcher.dispatch({ type: 'x', data: null })).resolves.toEqual(['result', 'outer']);
      expect(log).toEqual(['outer before', 'inner before', 'handler', 'inner after', 'outer after result']);
    });

    it('refuses a second next() call and an invalid modified event', async () => {
      const dispatcher = new EventDispatcher<null, string>();
      const twice = dispatcher.use(async (_event, next) => {
        await next();
        return next();
      });
      await expect(dispatcher.dispatch({ type: 'x', data: null })).rejects.toThrow('called next() twice on event "x"');
      twice();
      dispatcher.use((_event, next) => next({ type: 'bad type', data: null }));
      await expect(dispatcher.dispatch({ type: 'x', data: null })).rejects.toThrow(TypeError);
    });
  });

  describe('filters and transformers', () => {
    it('skips every handler and middleware when a filter says no', async () => {
      const dispatcher = new EventDispatcher<{ user: string }, string>();
      const middleware = jest.fn((_event: DispatchedEvent<{ user: string }>, next: () => Promise<string[]>) => next());
      dispatcher.on('x', (event) => event.data.user);
      dispatcher.use(middleware);
      dispatcher.filter((event) => event.data.user !== 'blocked');
      dispatcher.filter(async (event) => event.data.user !== 'muted');
      await expect(dispatcher.dispatch({ type: 'x', data: { user: 'ann' } })).resolves.toEqual(['ann']);
      await expect(dispatcher.dispatch({ type: 'x', data: { user: 'blocked' } })).resolves.toEqual([]);
      await expect(dispatcher.dispatch({ type: 'x', data: { user: 'muted' } })).resolves.toEqual([]);
      expect(middleware).toHaveBeenCalledTimes(1);
    });

    it('applies transformers in order before filters, and removes them by the returned function', async () => {
      const dispatcher = new EventDispatcher<string, string>();
      dispatcher.on('**', (event) => `${event.type}=${event.data}`);
      dispatcher.transform((event) => ({ ...event, data: event.data.trim() }));
      const shout = dispatcher.transform(async (event) => ({ ...event, data: event.data.toUpperCase() }));
      dispatcher.transform((event) => ({ type: `v2:${event.type}`, data: event.data }));
      const seen: string[] = [];
      dispatcher.filter((event) => {
        seen.push(event.data);
        return true;
      });
      await expect(dispatcher.dispatch({ type: 'msg', data: '  hi ' })).resolves.toEqual(['v2:msg=HI']);
      shout();
      await expect(dispatcher.dispatch({ type: 'msg', data: ' hi ' })).resolves.toEqual(['v2:msg=hi']);
      expect(seen).toEqual(['HI', 'hi']);
    });

    it('refuses an event a transformer made invalid', async () => {
      const dispatcher = new EventDispatcher<null, never>();
      dispatcher.transform(() => null as unknown as DispatchedEvent<null>);
      await expect(dispatcher.dispatch({ type: 'x', data: null })).rejects.toThrow('returned by a transformer');
    });
  });

  describe('errors', () => {
    it('runs the other handlers, then rejects with a DispatchError naming the event and each failed handler', async () => {
      const dispatcher = new EventDispatcher<null, string>();
      const after = jest.fn(() => 'after');
      dispatcher.on('job:*', () => 'before', { priority: 2 });
      dispatcher.on(
        'job:done',
        function renderSummary() {
          throw new Error('boom');
        },
        { priority: 1 },
      );
      dispatcher.on('**', async () => Promise.reject(new RangeError('kaput')), { name: 'auditLog' });
      dispatcher.on('job:done', after);
      dispatcher.on('**', () => {
        throw 'a string';
      });
      const error = (await dispatcher
        .dispatch({ type: 'job:done', data: null })
        .catch((caught: unknown) => caught)) as DispatchError<string>;
      expect(error).toBeInstanceOf(DispatchError);
      expect(error).toBeInstanceOf(AggregateError);
      expect(after).toHaveBeenCalledTimes(1);
      expect(error.event.type).toBe('job:done');
      expect(error.results).toEqual(['before', undefined, undefined, 'after', undefined]);
      expect(
        error.errors.map((failure) => [
          failure instanceof HandlerError,
          failure.eventType,
          failure.handler,
          failure.pattern,
        ]),
      ).toEqual([
        [true, 'job:done', 'renderSummary', 'job:done'],
        [true, 'job:done', 'auditLog', '**'],
        [true, 'job:done', '(anonymous)', '**'],
      ]);
      expect(error.errors[0].cause).toEqual(new Error('boom'));
      expect(error.errors[1].cause).toBeInstanceOf(RangeError);
      expect(error.message).toBe(
        '3 of 5 handlers failed on event "job:done": handler "renderSummary" (pattern "job:done") failed on event "job:done": boom; ' +
          'handler "auditLog" (pattern "**") failed on event "job:done": kaput; handler "(anonymous)" (pattern "**") failed on event "job:done": "a string"',
      );
    });

    it('lets errors of middleware, filters and transformers reject the dispatch as they are', async () => {
      const failure = new Error('down');
      for (const install of [
        (dispatcher: EventDispatcher<null, string>) =>
          dispatcher.use(() => {
            throw failure;
          }),
        (dispatcher: EventDispatcher<null, string>) => dispatcher.filter(async () => Promise.reject(failure)),
        (dispatcher: EventDispatcher<null, string>) =>
          dispatcher.transform(() => {
            throw failure;
          }),
      ]) {
        const dispatcher = new EventDispatcher<null, string>();
        const handler = jest.fn(() => 'handled');
        dispatcher.on('x', handler);
        install(dispatcher);
        await expect(dispatcher.dispatch({ type: 'x', data: null })).rejects.toBe(failure);
        expect(handler).not.toHaveBeenCalled();
      }
    });
  });

  describe('bad input', () => {
    it('refuses a bad pattern at registration with a TypeError naming it', () => {
      const dispatcher = new EventDispatcher();
      expect(() => dispatcher.on('job:**:', () => 1)).toThrow(TypeError);
      expect(() => dispatcher.on('job:**:', () => 1)).toThrow('"job:**:"');
      expect(() => dispatcher.on('jo*', () => 1)).toThrow('"jo*"');
      expect(dispatcher.handlerCount('job:x')).toBe(0);
    });

    it('refuses non-function handlers, middleware, filters and transformers, and bad priorities', () => {
      const dispatcher = new EventDispatcher();
      const notAFunction = 'nope' as never;
      expect(() => dispatcher.on('x', notAFunction)).toThrow(TypeError);
      expect(() => dispatcher.use(notAFunction)).toThrow('middleware must be a function, got "nope"');
      expect(() => dispatcher.filter(notAFunction)).toThrow(TypeError);
      expect(() => dispatcher.transform(notAFunction)).toThrow(TypeError);
      expect(() => dispatcher.on('x', () => 1, { priority: Number.NaN })).toThrow('priority must be a finite number');
    });

    it('refuses events without a valid type', async () => {
      const dispatcher = new EventDispatcher();
      await expect(dispatcher.dispatch({ type: 'job:', data: 1 })).rejects.toThrow('"job:"');
      await expect(dispatcher.dispatch(null as never)).rejects.toThrow(TypeError);
      expect(() => dispatcher.handlerCount('a b')).toThrow(TypeError);
    });
  });
});
