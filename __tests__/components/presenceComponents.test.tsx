import { parse } from 'node-html-parser';
import { createSseComponents } from '../../components/createSseComponents';
import { PresenceCount } from '../../components/PresenceCount';
import { PresenceList } from '../../components/PresenceList';
import type { PresenceSource } from '../../components/presenceSource';
import { createBroadcaster } from '../../lib/broadcast/broadcaster';
import type { PresenceSnapshot } from '../../lib/broadcast/presenceView';
import { memberLabel } from '../../lib/protocol/presenceContract';
import type { PresenceMember } from '../../lib/protocol/protocolEvents';
import { parseMarkup } from './parsedMarkup';

const HOSTILE = '<img src=x onerror=alert(1)>"&\'';

const snapshot = (members: PresenceSnapshot['members'], count = members.length): PresenceSnapshot => ({
  channel: 'board',
  count,
  members,
});

/** A source whose `presence` answers `view` (or fails), recording what it was asked. */
function sourceOf(view: PresenceSnapshot | Error): PresenceSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    presence: async (channel) => {
      asked.push(channel);
      if (view instanceof Error) throw view;
      return view;
    },
  };
}

describe('<PresenceList>', () => {
  it('lists each member by name, with its id, marked with the channel and the field it shows', () => {
    const list = parseMarkup(
      <PresenceList
        channel="board"
        presence={snapshot([
          { id: 'u1', name: 'Ada' },
          { id: 'u2', name: 'Grace' },
        ])}
      />,
    ).querySelector('ul');
    expect(list?.getAttribute('class')).toBe('sse-presence');
    expect(list?.getAttribute('data-sse-presence-list')).toBe('board');
    expect(list?.getAttribute('data-sse-presence-field')).toBe('name');
    expect(list?.hasAttribute('data-sse-presence-empty')).toBe(false);
    expect(list?.querySelectorAll('li').map((item) => [item.getAttribute('data-sse-member'), item.text])).toEqual([
      ['u1', 'Ada'],
      ['u2', 'Grace'],
    ]);
  });

  it('shows a hostile name and id as text, never as markup', () => {
    const html = PresenceList({ channel: 'board', presence: snapshot([{ id: HOSTILE, name: HOSTILE }]) }) as string;
    expect(html).not.toContain('<img');
    const item = parse(html).querySelector('li');
    expect(item?.childNodes).toHaveLength(1);
    expect(item?.text).toBe(HOSTILE);
    expect(item?.getAttribute('data-sse-member')).toBe(HOSTILE);
    expect(parse(html).querySelectorAll('img')).toHaveLength(0);
  });

  it('shows the field the app chose, falling back to the id for a member without it', () => {
    const items = parseMarkup(
      <PresenceList
        channel="board"
        field="role"
        presence={snapshot([
          { id: 'u1', name: 'Ada', role: 'editor' },
          { id: 'u2', name: 'Grace' },
          { id: 'u3', role: '  ' },
          { id: 'u4', role: 3 },
        ])}
      />,
    ).querySelectorAll('li');
    expect(items.map((item) => item.text)).toEqual(['editor', 'u2', 'u3', '3']);
  });

  it('shows the empty text as its one item while no one is there, and nothing without it', () => {
    const empty = parseMarkup(<PresenceList channel="board" presence={snapshot([])} empty="No one <here>" />);
    expect(empty.querySelector('ul')?.getAttribute('data-sse-presence-empty')).toBe('No one <here>');
    expect(empty.querySelectorAll('li').map((item) => [item.getAttribute('class'), item.text])).toEqual([
      ['sse-presence-empty', 'No one <here>'],
    ]);
    expect(parseMarkup(<PresenceList channel="board" presence={snapshot([])} />).querySelectorAll('li')).toHaveLength(
      0,
    );
  });

  it('reads a source when rendered: async, and empty (with no empty item) when the source fails', async () => {
    const source = sourceOf(snapshot([{ id: 'u1', name: 'Ada' }]));
    const html = await PresenceList({ channel: 'board', presence: source, empty: 'No one' });
    expect(source.asked).toEqual(['board']);
    expect(
      parse(html)
        .querySelectorAll('li')
        .map((item) => item.text),
    ).toEqual(['Ada']);
    const failed = await PresenceList({ channel: 'board', presence: sourceOf(new Error('bus down')), empty: 'No one' });
    expect(parse(failed).querySelector('ul')?.getAttribute('data-sse-presence-list')).toBe('board');
    expect(parse(failed).querySelectorAll('li')).toHaveLength(0);
  });

  it('throws a TypeError naming a bad channel, presence, field, empty text or class', () => {
    const good = snapshot([]);
    const cases: [Record<string, unknown>, string][] = [
      [{ channel: 'a b', presence: good }, 'channel name must match'],
      [{ channel: 'board' }, 'PresenceList: presence must be a Broadcaster or the PresenceSnapshot of "board"'],
      [{ channel: 'board', presence: { ...good, channel: 'other' } }, 'got the snapshot of "other"'],
      [{ channel: 'board', presence: { ...good, count: -1 } }, 'count must be a whole number >= 0, got -1'],
      [{ channel: 'board', presence: { ...good, members: 'Ada' } }, 'members must be an array, got "Ada"'],
      [{ channel: 'board', presence: { ...good, members: [{ name: 'Ada' }] } }, 'each member needs a string id'],
      [{ channel: 'board', presence: good, field: '' }, 'PresenceList: field must be a string of 1 to 100 characters'],
      [
        { channel: 'board', presence: good, empty: 7 },
        'PresenceList: empty must be a string of 1 to 200 characters, got 7',
      ],
      [{ channel: 'board', presence: good, class: null }, 'PresenceList: class must be a string'],
    ];
    for (const [props, message] of cases) {
      expect(() => PresenceList(props as never)).toThrow(TypeError);
      expect(() => PresenceList(props as never)).toThrow(message);
    }
    expect(() => PresenceList(undefined as never)).toThrow(
      new TypeError('PresenceList: props must be an object, got undefined'),
    );
  });
});

describe('<PresenceCount>', () => {
  it('shows the count, past the listed members too, marked with its channel', () => {
    const count = parseMarkup(
      <PresenceCount channel="board" presence={snapshot([{ id: 'u1', name: 'Ada' }], 250)} />,
    ).querySelector('span');
    expect(count?.text).toBe('250');
    expect(count?.getAttribute('data-sse-presence-count')).toBe('board');
    expect(count?.getAttribute('class')).toBe('sse-presence-count');
    expect(count?.getAttribute('aria-live')).toBe('polite');
  });

  it('shows 0 for no one, and nothing when the source fails', async () => {
    expect(parseMarkup(<PresenceCount channel="board" presence={snapshot([])} />).text).toBe('0');
    const failed = await PresenceCount({ channel: 'board', presence: sourceOf(new Error('bus down')) });
    expect(parse(failed).querySelector('span')?.text).toBe('');
  });

  it('throws a TypeError naming a bad channel, presence or class', () => {
    expect(() => PresenceCount({ channel: '', presence: snapshot([]) })).toThrow(TypeError);
    expect(() => PresenceCount({ channel: '', presence: snapshot([]) })).toThrow(
      /^channel name must match .*, got ""$/,
    );
    expect(() => PresenceCount({ channel: 'board', presence: 3 as never })).toThrow(
      'PresenceCount: presence must be a Broadcaster or the PresenceSnapshot of "board" (broadcaster.presence(channel)), got 3',
    );
    expect(() => PresenceCount({ channel: 'board', presence: snapshot([]), class: '' })).toThrow(
      new TypeError('PresenceCount: class must be a string of 1 to 200 characters, got ""'),
    );
  });
});

describe('presence components from createSseComponents({ broadcaster })', () => {
  it("read the app's broadcaster when rendered, unless given their own presence", async () => {
    const broadcaster = createBroadcaster();
    const { PresenceList: List, PresenceCount: Count } = createSseComponents({ broadcaster });
    const html = await (
      <>
        <Count channel="board" />
        <List channel="board" empty="No one" />
        <List channel="board" presence={snapshot([{ id: 'u9', name: 'Given' }])} />
      </>
    );
    const root = parse(html);
    expect(root.querySelector('.sse-presence-count')?.text).toBe('0');
    expect(root.querySelectorAll('li').map((item) => item.text)).toEqual(['No one', 'Given']);
    await broadcaster.close();
  });

  it('throw a TypeError without a broadcaster or a presence of their own', () => {
    const { PresenceList: List } = createSseComponents();
    expect(() => List({ channel: 'board' })).toThrow(
      new TypeError(
        'PresenceList: presence must be a Broadcaster or the PresenceSnapshot of "board" (broadcaster.presence(channel)), got undefined',
      ),
    );
  });
});

describe('memberLabel', () => {
  it('is the field when it is a non-blank string, a number or a boolean, else the id', () => {
    expect(
      [
        { id: 'a', name: 'Ada' },
        { id: 'b', name: '' },
        { id: 'c', name: null },
        { id: 'd', name: false },
        { id: 'e' },
      ].map((member) => memberLabel(member as PresenceMember, 'name')),
    ).toEqual(['Ada', 'b', 'c', 'false', 'e']);
    expect(memberLabel({ id: 'f' }, 'toString')).toBe('f');
  });
});
