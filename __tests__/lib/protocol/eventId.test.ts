import fc from 'fast-check';
import {
  compareEventIds,
  cursorPosition,
  formatEventId,
  formatStreamEventId,
  isPositionAfter,
  parseEventId,
} from '../../../lib/protocol/eventId';

const position = fc.record({ epoch: fc.maxSafeNat(), sequence: fc.maxSafeNat() });
/** Epochs as the buses set them: 0 (a cluster's clocked positions), or a clock in ms. */
const busPosition = fc.record({
  epoch: fc.oneof(fc.constant(0), fc.integer({ min: 1_600_000_000_000, max: 3_000_000_000_000 })),
  sequence: fc.maxSafeNat(),
});
const order = (a: { epoch: number; sequence: number }, b: { epoch: number; sequence: number }): number =>
  Math.sign(a.epoch - b.epoch || a.sequence - b.sequence);

/** The bytes of an event's `id:` line: `id: `, the id, the newline. */
const idLineBytes = (channel: string, epoch: number, sequence: number): number =>
  Buffer.byteLength(`id: ${formatStreamEventId(channel, formatEventId(epoch, sequence))}\n`);

describe('positions', () => {
  it('read back as the numbers they were written from, in one spelling', () => {
    fc.assert(
      fc.property(position, ({ epoch, sequence }) => {
        const text = formatEventId(epoch, sequence);
        expect(text).toMatch(/^[0-9a-zA-Z]+\.[0-9a-zA-Z]+$/);
        expect(parseEventId(text)).toEqual({ epoch, sequence });
        expect(cursorPosition(`news/${text}`)).toEqual({ epoch, sequence });
      }),
    );
  });

  it('keep the order of their numbers, epoch first', () => {
    fc.assert(
      fc.property(busPosition, busPosition, (a, b) => {
        const [textA, textB] = [formatEventId(a.epoch, a.sequence), formatEventId(b.epoch, b.sequence)];
        expect(Math.sign(compareEventIds(parseEventId(textA)!, parseEventId(textB)!))).toBe(order(a, b));
        expect(isPositionAfter(textA, textB)).toBe(order(a, b) > 0);
      }),
    );
  });

  it('read the decimal form of earlier ids (and Redis entry ids) as the same position, comparable with the new form', () => {
    fc.assert(
      fc.property(busPosition, busPosition, (a, b) => {
        const decimal = `${a.epoch}-${a.sequence}`;
        expect(parseEventId(decimal)).toEqual(parseEventId(formatEventId(a.epoch, a.sequence)));
        expect(cursorPosition(`news/${decimal}`)).toEqual(a);
        expect(isPositionAfter(decimal, formatEventId(b.epoch, b.sequence))).toBe(order(a, b) > 0);
      }),
    );
    // The same digits in the two forms are different positions: the separator tells them apart.
    expect(parseEventId('10-10')).toEqual({ epoch: 10, sequence: 10 });
    expect(parseEventId('10.10')).toEqual({ epoch: 62, sequence: 62 });
  });

  it('reject garbage and foreign ids, so such a cursor is unknown (a gap), never another position', () => {
    const garbage = [
      '',
      'abc',
      '1',
      '1.',
      '.1',
      '1..1',
      '1.1.1',
      '01.1',
      '1.01',
      '1.-1',
      '-1.1',
      '1-1.1',
      '1.1-1',
      '1 .1',
      '1.1\n',
      '1_1',
      'é.1',
      'ZZZZZZZZZ.1',
      '1.ZZZZZZZZZ',
      '1.0000000001',
      '1e9-1',
      '0-00',
      '01-1',
      `${'9'.repeat(17)}-1`,
      '99999999999999999-1',
      '9007199254740993-1',
    ];
    for (const id of garbage) expect(parseEventId(id)).toBeUndefined();
    for (const cursor of [undefined, null, 'news/', 'news/abc', '/'])
      expect(cursorPosition(cursor as string | undefined)).toBeUndefined();
    expect(isPositionAfter('1.1', 'garbage')).toBe(false);
    expect(isPositionAfter('garbage', '1.1')).toBe(false);
    // Whatever parses is an issued spelling or the decimal form, nothing looser.
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0019aZ.-/ '), maxLength: 12 }), (text) => {
        const parsed = parseEventId(text);
        if (parsed)
          expect([formatEventId(parsed.epoch, parsed.sequence), `${parsed.epoch}-${parsed.sequence}`]).toContain(text);
      }),
      { numRuns: 5000 },
    );
  });

  it('keep the id line of one channel `news` within 24 bytes (issue 21), where the decimal form took 25 at its first event', () => {
    const now = Date.now();
    // The memory bus and one Redis: an epoch in ms (7 digits until 2081), a sequence up to 56.8 billion.
    expect(idLineBytes('news', now, 1)).toBeLessThanOrEqual(19);
    expect(idLineBytes('news', 62 ** 7 - 1, 62 ** 6 - 1)).toBe(24);
    // A Redis Cluster: epoch 0 and a clock in microseconds.
    expect(idLineBytes('news', 0, now * 1000)).toBe(21);
    expect(Buffer.byteLength(`id: news/${now}-1\n`)).toBe(25);
  });
});
