import { createParser, type EventSourceMessage } from 'eventsource-parser';
import fc from 'fast-check';
import { type EventStreamBlock, EventStreamParser, parseFrame } from '../../../lib/protocol/eventStreamParser';
import { encodeEvent } from '../../../lib/protocol/wireFormat';

const utf8 = new TextEncoder();

interface Parsed {
  blocks: EventStreamBlock[];
  lastEventId: string;
  retry: number | undefined;
}

function parseChunks(chunks: readonly Uint8Array[]): Parsed {
  const parser = new EventStreamParser();
  const blocks = chunks.flatMap((chunk) => parser.push(chunk));
  return { blocks, lastEventId: parser.lastEventId, retry: parser.retry };
}

/** `bytes` cut at `cuts` (ascending byte offsets; a repeated offset makes an empty chunk). */
function cutAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const bounds = [0, ...cuts, bytes.length];
  return bounds.slice(1).map((end, index) => bytes.subarray(bounds[index], end));
}

/**
 * Parses `input` whole, then checks that every other feeding gives the same blocks, last event id
 * and retry: one byte at a time, cut once at every byte, and cut twice at every pair of bytes
 * (empty chunks included). So every case holds for a split inside a line, a field name, a UTF-8
 * sequence, a BOM or a CRLF.
 */
function parse(input: string | Uint8Array): Parsed {
  const bytes = typeof input === 'string' ? utf8.encode(input) : input;
  const whole = parseChunks([bytes]);
  const feedings: number[][] = [Array.from({ length: Math.max(bytes.length - 1, 0) }, (_, index) => index + 1)];
  for (let first = 0; first <= bytes.length; first += 1) {
    feedings.push([first]);
    for (let second = first; second <= bytes.length; second += 1) feedings.push([first, second]);
  }
  const expected = JSON.stringify(whole);
  for (const cuts of feedings) {
    const split = parseChunks(cutAt(bytes, cuts));
    // A cheap comparison first: there are hundreds of feedings, and `toEqual` shows the cuts of one that differs.
    if (JSON.stringify(split) !== expected) expect({ cuts, ...split }).toEqual({ cuts, ...whole });
  }
  return whole;
}

/** A block that said nothing the parser keeps, at the start of a stream. */
const NOTHING: EventStreamBlock = {
  dispatched: false,
  type: 'message',
  data: '',
  lastEventId: '',
  id: undefined,
  event: undefined,
  comments: [],
};

/** The events `EventSource` would dispatch: type, data and last event id. */
function dispatched(input: string | Uint8Array): Array<Pick<EventStreamBlock, 'type' | 'data' | 'lastEventId'>> {
  return parse(input)
    .blocks.filter((block) => block.dispatched)
    .map(({ type, data, lastEventId }) => ({ type, data, lastEventId }));
}

describe('EventStreamParser (WHATWG event stream interpretation)', () => {
  describe('fields', () => {
    it('dispatches a block with a data field at its blank line, as a message event', () => {
      expect(parse('data: hello\n\n').blocks).toEqual([{ ...NOTHING, dispatched: true, data: 'hello' }]);
    });

    it('takes the type from the event field, the last one of a block winning', () => {
      expect(dispatched('event: first\nevent: note\ndata: x\n\n')).toEqual([
        { type: 'note', data: 'x', lastEventId: '' },
      ]);
      expect(parse('event: note\ndata: x\n\n').blocks[0].event).toBe('note');
    });

    it('defaults the type to message when the event field is missing or empty, and keeps the field as written', () => {
      const { blocks } = parse('data: a\n\nevent:\ndata: b\n\nevent: message\ndata: c\n\n');
      expect(blocks.map(({ type, event }) => ({ type, event }))).toEqual([
        { type: 'message', event: undefined },
        { type: 'message', event: '' },
        { type: 'message', event: 'message' },
      ]);
    });

    it('resets the type after each block: a later block without event is a message again', () => {
      expect(dispatched('event: note\ndata: a\n\ndata: b\n\n').map(({ type }) => type)).toEqual(['note', 'message']);
    });

    it('joins data lines with LF and removes the one trailing LF', () => {
      expect(dispatched('data: a\ndata: b\ndata: c\n\n')[0].data).toBe('a\nb\nc');
      expect(dispatched('data: a\ndata:\n\n')[0].data).toBe('a\n');
      expect(dispatched('data:\ndata:\n\n')[0].data).toBe('\n');
    });

    it('dispatches a data field with an empty value as an event with empty data', () => {
      expect(dispatched('data:\n\n')).toEqual([{ type: 'message', data: '', lastEventId: '' }]);
    });

    it('removes one space after the colon, and only one, in every field', () => {
      const { blocks } = parse('event:  spaced\nid:  7\ndata:no space\ndata: one\ndata:  two\ndata: \n\n');
      expect(blocks[0]).toMatchObject({ type: ' spaced', id: ' 7', data: 'no space\none\n two\n' });
    });

    it('keeps every colon after the first in the value', () => {
      expect(dispatched('data: a: b\ndata::c\n\n')[0].data).toBe('a: b\n:c');
    });

    it('reads a line without a colon as a field named by the whole line, with an empty value', () => {
      expect(dispatched('data\n\n')).toEqual([{ type: 'message', data: '', lastEventId: '' }]);
      expect(dispatched('event: note\nevent\ndata: x\n\n')[0].type).toBe('message');
      expect(parse('id: 1\n\nid\n\n').lastEventId).toBe('');
    });

    it('ignores unknown fields, and field names are case-sensitive', () => {
      expect(parse('Data: x\nDATA: y\nfoo: bar\nevents: no\n\n').blocks).toEqual([NOTHING]);
    });
  });

  describe('comments', () => {
    it('reports the comment lines of a block, without the colon, and they add nothing to the event', () => {
      const { blocks } = parse(': first\ndata: x\n:second\n:\n\n');
      expect(blocks).toEqual([expect.objectContaining({ data: 'x', comments: [' first', 'second', ''] })]);
    });

    it('reports a block of comments only, dispatching nothing', () => {
      expect(parse(': keep-alive\n\ndata: x\n\n').blocks).toEqual([
        expect.objectContaining({ dispatched: false, comments: [' keep-alive'] }),
        expect.objectContaining({ dispatched: true, data: 'x', comments: [] }),
      ]);
    });

    it('gives each block its own comments', () => {
      const { blocks } = parse(':sse-skip-tab t1\n:sse-skip-tab t2\ndata: a\n\n: keep-alive\ndata: b\n\n');
      expect(blocks.map(({ comments }) => comments)).toEqual([['sse-skip-tab t1', 'sse-skip-tab t2'], [' keep-alive']]);
    });
  });

  describe('the byte order mark', () => {
    it('drops a BOM at the start of the stream', () => {
      expect(dispatched('\uFEFFdata: x\n\n')).toEqual([{ type: 'message', data: 'x', lastEventId: '' }]);
    });

    it('drops it only once: a second BOM makes the first line an unknown field', () => {
      expect(dispatched('\uFEFF\uFEFFdata: x\n\ndata: y\n\n').map(({ data }) => data)).toEqual(['y']);
    });

    it('keeps a BOM anywhere later in the stream', () => {
      expect(dispatched('data: x\n\n\uFEFFdata: y\n\ndata: \uFEFFz\n\n').map(({ data }) => data)).toEqual([
        'x',
        '\uFEFFz',
      ]);
    });
  });

  describe('line endings', () => {
    it('ends lines at LF, CR and CRLF alike', () => {
      for (const end of ['\n', '\r', '\r\n']) {
        expect(dispatched(`event: e${end}data: a${end}data: b${end}${end}`)).toEqual([
          { type: 'e', data: 'a\nb', lastEventId: '' },
        ]);
      }
    });

    it('reads mixed line endings in one stream', () => {
      expect(dispatched('data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\rdata: e\n\n').map(({ data }) => data)).toEqual([
        'a\nb\nc',
        'd',
        'e',
      ]);
    });

    it('counts a CRLF as one line end even when CR ends one chunk and LF starts the next', () => {
      const parser = new EventStreamParser();
      const blocks = [
        ...parser.push(utf8.encode('data: a\r')),
        ...parser.push(utf8.encode('\ndata: b\r')),
        ...parser.push(new Uint8Array(0)),
        ...parser.push(utf8.encode('\n\r')),
        ...parser.push(utf8.encode('\n')),
      ];
      expect(blocks.map(({ data }) => data)).toEqual(['a\nb']);
    });

    it('reads LF then CR as two line ends, a blank line', () => {
      expect(dispatched('data: a\n\rdata: b\n\n').map(({ data }) => data)).toEqual(['a', 'b']);
    });

    it('reports nothing for blank lines outside a block', () => {
      expect(parse('\n\r\n\r\n\ndata: x\n\n\n\n').blocks).toHaveLength(1);
    });
  });

  describe('retry', () => {
    it('sets the reconnection time from a value of ASCII digits, the latest winning, without dispatching', () => {
      const { blocks, retry } = parse('retry: 1500\n\nretry: 0250\ndata: x\n\n');
      expect(retry).toBe(250);
      expect(blocks.map(({ dispatched }) => dispatched)).toEqual([false, true]);
    });

    it.each(['soon', '1.5', '-1', '+1', '1e3', ' 1', '1 ', '', '１２'])('ignores retry %j', (value) => {
      expect(parse(`retry: 1000\nretry:${value === '' ? '' : ` ${value}`}\n\n`).retry).toBe(1000);
    });

    it('has no reconnection time until a valid retry', () => {
      expect(parse('retry: x\ndata: y\n\n').retry).toBeUndefined();
    });
  });

  describe('id and the last event id', () => {
    it('sets the last event id, and the block reports its own id', () => {
      expect(parse('id: 1\ndata: x\n\n').blocks[0]).toMatchObject({ id: '1', lastEventId: '1', dispatched: true });
    });

    it('keeps the last event id for later events that set none, whose own id stays undefined', () => {
      const { blocks } = parse('id: 1\ndata: a\n\ndata: b\n\nevent: note\ndata: c\n\n');
      expect(blocks.map(({ id, lastEventId }) => ({ id, lastEventId }))).toEqual([
        { id: '1', lastEventId: '1' },
        { id: undefined, lastEventId: '1' },
        { id: undefined, lastEventId: '1' },
      ]);
    });

    it('ignores an id holding NUL, keeping the previous one', () => {
      const { blocks, lastEventId } = parse('id: 1\n\nid: a\0b\ndata: x\n\n');
      expect(blocks[1]).toMatchObject({ id: undefined, lastEventId: '1', data: 'x' });
      expect(lastEventId).toBe('1');
    });

    it('resets the last event id with an empty id field', () => {
      expect(parse('id: 1\ndata: a\n\nid:\ndata: b\n\n').blocks[1]).toMatchObject({ id: '', lastEventId: '' });
    });

    it('updates the last event id for a block with an id and no data, which dispatches nothing', () => {
      const { blocks, lastEventId } = parse('id: 5\n\ndata: after\n\n');
      expect(blocks[0]).toMatchObject({ dispatched: false, id: '5', lastEventId: '5' });
      expect(blocks[1]).toMatchObject({ dispatched: true, data: 'after', lastEventId: '5' });
      expect(lastEventId).toBe('5');
    });

    it('counts an id only once its block ends', () => {
      expect(parse('id: 1\n\nid: 2\ndata: unfinished\n').lastEventId).toBe('1');
    });
  });

  describe('dispatch', () => {
    it('does not dispatch a block whose data buffer is empty, and its type does not carry over', () => {
      const { blocks } = parse('event: lonely\n\ndata: x\n\n');
      expect(blocks[0]).toMatchObject({ dispatched: false, type: 'lonely', data: '' });
      expect(blocks[1]).toMatchObject({ dispatched: true, type: 'message', data: 'x' });
    });

    it('never returns a block without its closing blank line', () => {
      expect(parse('data: a\n\ndata: b\n').blocks.map(({ data }) => data)).toEqual(['a']);
      expect(parse('data: a\n\ndata: b').blocks).toHaveLength(1);
    });
  });

  describe('UTF-8', () => {
    it('decodes multi-byte characters split between chunks anywhere', () => {
      expect(dispatched('event: ünïcode\ndata: fïrst ✓ 😀 中文\n\n')).toEqual([
        { type: 'ünïcode', data: 'fïrst ✓ 😀 中文', lastEventId: '' },
      ]);
    });

    it('reads invalid UTF-8 as U+FFFD', () => {
      const bytes = Uint8Array.of(...utf8.encode('data: a'), 0xff, 0xc3, ...utf8.encode('b\n\n'));
      expect(dispatched(bytes)[0].data).toBe('a\uFFFD\uFFFDb');
    });
  });

  it('dispatches what an independent parser (eventsource-parser) dispatches, for random streams split anywhere', () => {
    const piece = fc.constantFrom(
      'data',
      'data:',
      'data: x',
      'event: e',
      'event',
      'id: 1',
      'id',
      'id: \0',
      'retry: 10',
      ': c',
      ':',
      'other: y',
      ' ',
      '😀',
      'é',
      '\r',
      '\n',
      '\r\n',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), fc.array(fc.nat(), { maxLength: 4 }), (pieces, cutSeeds) => {
        // The reference holds a CR that ends its input back, waiting for a possible LF; a final LF
        // lets it end that line, and changes nothing for a parser that already did.
        const text = `${pieces.join('')}\n`;
        const bytes = utf8.encode(text);
        const cuts = cutSeeds.map((seed) => seed % (bytes.length + 1)).sort((a, b) => a - b);
        const ours = parseChunks(cutAt(bytes, cuts))
          .blocks.filter((block) => block.dispatched)
          .map(({ type, data, id }) => ({ type, data, id }));
        const theirs: EventSourceMessage[] = [];
        createParser({ onEvent: (event) => theirs.push(event) }).feed(text);
        expect(ours).toEqual(theirs.map(({ event, data, id }) => ({ type: event ?? 'message', data, id })));
      }),
    );
  });
});

describe('parseFrame', () => {
  it('reads back a frame that encodeEvent wrote: event, data (line breaks as LF) and id', () => {
    const frame = encodeEvent({ event: 'note', data: ' a\r\nb\rc', id: 'board/1.2' });
    expect(parseFrame(frame)).toMatchObject({ event: 'note', type: 'note', data: ' a\nb\nc', id: 'board/1.2' });
    expect(parseFrame(encodeEvent({ data: '' }))).toMatchObject({ event: undefined, data: '', dispatched: true });
  });

  it('throws a TypeError for bytes without a complete block', () => {
    expect(() => parseFrame(utf8.encode('data: x\n'))).toThrow(TypeError);
    expect(() => parseFrame(utf8.encode('data: x\n'))).toThrow('8 bytes without a blank line');
  });
});
