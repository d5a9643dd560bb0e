import { cursorPosition } from '../../../lib/protocol/eventId';
import { firstIdLine } from '../../support/idLine';
import { startTestServer, type TestServer } from '../../support/testServer';

describe("an event's id line on the memory bus", () => {
  let server: TestServer<undefined>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('is at most 24 bytes on channel `news`, newline included (issue 21)', async () => {
    const line = await firstIdLine(`${server.url}/sse/news`, 'news', () =>
      server.broadcaster.publish('news', { data: 'x' }),
    );
    expect(line.toString()).toMatch(/^id: news\/[0-9a-zA-Z]+\.[0-9a-zA-Z]+\n$/);
    expect(cursorPosition(line.toString().slice('id: '.length, -1))).toBeDefined();
    expect(line.length).toBeLessThanOrEqual(24);
  });
});
