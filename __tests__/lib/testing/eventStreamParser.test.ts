import { EventStreamParser, type ReceivedEvent } from '../../../testing';

/** Parses `chunks` in order and returns the dispatched events and the parser. */
function parse(chunks: Array<string | Uint8Array>): { events: ReceivedEvent[]; parser: EventStreamParser } {
  const events: ReceivedEvent[] = [];
  const parser = new EventStreamParser((event) => events.push(event));
  for (const chunk of chunks) parser.push(chunk);
  return { events, parser };
}

describe('EventStreamParser (the EventSource interpretation rules)', () => {
  const stream =
    '\uFEFF: a comment\nretry: 1500\nid: 1\nevent: note\ndata: first\ndata:  two spaces\r\n\r\n' +
    'data: no type\rid: 2\r\r' +
    'event: empty\n\n' +
    'id: bad\0id\ndata\n\n' +
    'retry: soon\ndata: {"a":1}\n\n' +
    'data: never ended';

  const expected: ReceivedEvent[] = [
    { type: 'note', data: 'first\n two spaces', lastEventId: '1' },
    { type: 'message', data: 'no type', lastEventId: '2' },
    { type: 'message', data: '', lastEventId: '2' },
    { type: 'message', data: '{"a":1}', lastEventId: '2' },
  ];

  it('dispatches events as a browser does: BOM, comments, CR/LF/CRLF, persistent ids, empty events dropped', () => {
    const { events, parser } = parse([stream]);
    expect(events).toEqual(expected);
    expect(parser.retry).toBe(1500);
    expect(parser.lastEventId).toBe('2');
  });

  it('gives the same events whatever the chunk boundaries, even inside CRLF and UTF-8 sequences', () => {
    const bytes = Buffer.from(`${stream.replace('first', 'fïrst ✓')}`, 'utf8');
    const oneByOne = parse(Array.from(bytes, (byte) => Uint8Array.of(byte)));
    expect(oneByOne.events).toEqual([{ ...expected[0], data: 'fïrst ✓\n two spaces' }, ...expected.slice(1)]);
    const halves = parse([stream.slice(0, 73), stream.slice(73)]);
    expect(stream[72]).toBe('\r');
    expect(halves.events).toEqual(expected);
  });
});
