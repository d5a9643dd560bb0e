import { createParser, type EventSourceMessage } from 'eventsource-parser';
import fc from 'fast-check';
import { encodeComment, encodeEvent, encodeEventText, encodeRetry } from '../../../lib/protocol/wireFormat';

/** Parses a whole SSE byte stream with an independent parser. */
function parse(bytes: Buffer): { events: EventSourceMessage[]; retries: number[]; comments: string[] } {
  const events: EventSourceMessage[] = [];
  const retries: number[] = [];
  const comments: string[] = [];
  const parser = createParser({
    onEvent: (event) => events.push(event),
    onRetry: (retry) => retries.push(retry),
    onComment: (comment) => comments.push(comment),
  });
  parser.feed(bytes.toString('utf8'));
  return { events, retries, comments };
}

/** Text built from pieces that stress the format: every line ending, NUL, unicode, nothing. */
const hostileText = fc
  .array(
    fc.oneof(
      fc.constantFrom('\r', '\n', '\r\n', '\0', '', ' ', ':', 'data: x', '\u2028', '😀'),
      fc.string({ unit: 'binary' }),
    ),
    { maxLength: 12 },
  )
  .map((pieces) => pieces.join(''));

/** What an SSE client must see: the spec turns CR and CRLF line endings into LF. */
const asClientSees = (text: string): string => text.replace(/\r\n|\r/g, '\n');

describe('wire format', () => {
  it('round-trips any data through an independent parser (1,000+ cases)', () => {
    fc.assert(
      fc.property(hostileText, fc.option(fc.stringMatching(/^[a-z:_-]{1,20}$/), { nil: undefined }), (data, event) => {
        const { events } = parse(encodeEvent({ event, data, id: '1-1' }));
        expect(events).toHaveLength(1);
        expect(events[0].data).toBe(asClientSees(data));
        expect(events[0].event).toBe(event);
        expect(events[0].id).toBe('1-1');
      }),
      { numRuns: 1500 },
    );
  });

  it('keeps data byte-identical when it has no CR (LF-only text round-trips exactly)', () => {
    fc.assert(
      fc.property(
        hostileText.map((text) => text.replace(/\r/g, '')),
        (data) => {
          expect(parse(encodeEvent({ data })).events[0].data).toBe(data);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('splits data on CR, LF and CRLF into one data line each', () => {
    expect(encodeEventText({ data: 'a\rb\nc\r\nd' })).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n');
    expect(encodeEventText({ data: '' })).toBe('data: \n\n');
  });

  it('throws a TypeError naming the field and value for CR, LF or NUL in event or id, always', () => {
    const injected = fc
      .tuple(fc.string(), fc.constantFrom('\r', '\n', '\0'), fc.string())
      .map(([a, bad, b]) => a + bad + b);
    fc.assert(
      fc.property(injected, fc.constantFrom('event', 'id'), (value, field) => {
        expect(() => encodeEvent({ data: 'x', [field]: value })).toThrow(TypeError);
        expect(() => encodeEvent({ data: 'x', [field]: value })).toThrow(`SSE field "${field}"`);
        expect(() => encodeEvent({ data: 'x', [field]: value })).toThrow(JSON.stringify(value).slice(0, 20));
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses a bad retry and encodes a good one', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '100' as unknown as number]) {
      expect(() => encodeRetry(bad)).toThrow(TypeError);
      expect(() => encodeEvent({ data: 'x', retry: bad })).toThrow('"retry"');
    }
    expect(parse(encodeRetry(2500)).retries).toEqual([2500]);
    expect(parse(encodeEvent({ data: 'x', retry: 0 })).retries).toEqual([0]);
  });

  it('refuses data that is not text once serialized', () => {
    expect(() => encodeEvent({ data: 42 as unknown as string })).toThrow(TypeError);
  });

  it('encodes comments that page scripts never see, even multi-line ones', () => {
    const parsed = parse(
      Buffer.concat([encodeComment('keep-alive'), encodeComment('a\nb'), encodeEvent({ data: 'after' })]),
    );
    expect(parsed.comments).toEqual(['keep-alive', 'a', 'b']);
    expect(parsed.events.map((event) => event.data)).toEqual(['after']);
  });
});
