import { type NumberedEvent, StreamChecker } from '../../bench/streamChecker';

function frame(id: string, data: string): string {
  return `id: ${id}\n${data
    .split('\n')
    .map((line) => `data: ${line}`)
    .join('\n')}\n\n`;
}

describe('StreamChecker (the load generator checks every event arrived once, in order)', () => {
  it('reports one missing and one duplicated id in a stream', () => {
    const checker = new StreamChecker({ firstSequence: 1 });
    checker.push(['1', '2', '4', '4', '5'].map((id) => frame(`1732000000000-${id}`, 'payload')).join(''));

    const report = checker.finish(5);

    expect(report).toMatchObject({
      events: 5,
      missing: 1,
      duplicates: 1,
      missingExamples: [3],
      duplicateExamples: [4],
    });
  });

  it('reports events that never came after the last one received as missing', () => {
    const checker = new StreamChecker({ firstSequence: 10 });
    checker.push(frame('10', 'a') + frame('11', 'b'));

    expect(checker.finish(14)).toMatchObject({ events: 2, missing: 3, duplicates: 0, missingExamples: [12, 13, 14] });
    expect(checker.finish(11)).toMatchObject({ missing: 0 });
  });

  it('joins multi-line data and reads CRLF and CR line ends, however the stream is split', () => {
    const stream =
      'retry: 2000\r\n\r\nid: 1\r\ndata: <ul>\r\ndata:   <li>one</li>\rdata: </ul>\r\n\r\nevent: note\nid: 2\ndata:x\n\n';
    for (let split = 0; split <= stream.length; split += 1) {
      const events: NumberedEvent[] = [];
      const checker = new StreamChecker({ firstSequence: 1, onEvent: (event) => events.push(event) });
      checker.push(stream.slice(0, split));
      checker.push(stream.slice(split));

      expect(events).toEqual([
        { sequence: 1, data: '<ul>\n  <li>one</li>\n</ul>' },
        { sequence: 2, data: 'x' },
      ]);
      expect(checker.finish(2)).toMatchObject({ events: 2, missing: 0, duplicates: 0 });
    }
  });

  it('counts comments and events without an id of their own as keep-alives, not as events', () => {
    const checker = new StreamChecker({ firstSequence: 1 });
    checker.push(`:ok\n\n${frame('1', 'a')}event: sse:heartbeat\ndata: 1732000000000\n\n:\n`);

    expect(checker.finish(1)).toMatchObject({ events: 1, keepAlives: 3, missing: 0 });
  });

  it('flags an event whose data is shorter than the payload sent', () => {
    const checker = new StreamChecker({ firstSequence: 1, minDataLength: 5 });
    checker.push(frame('1', '12345') + frame('2', '123'));

    expect(checker.finish(2)).toMatchObject({ events: 2, badData: 1 });
  });
});
