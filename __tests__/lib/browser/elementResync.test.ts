import { sameOriginUrl } from '../../../lib/browser/elementResync';

describe('sameOriginUrl (what the runtime agrees to fetch)', () => {
  const page = 'https://app.example/dashboard?tab=1';
  const origin = 'https://app.example';

  it.each([
    ['/board', 'https://app.example/board'],
    ['/jobs/list?dialect=htmx4#top', 'https://app.example/jobs/list?dialect=htmx4#top'],
    ['state', 'https://app.example/state'],
  ])('resolves %p on the page’s origin to %p', (path, url) => {
    expect(sameOriginUrl(path, page, origin)).toBe(url);
  });

  it.each([
    'https://evil.example/board',
    '//evil.example/board',
    '/\\evil.example/board',
    'javascript:alert(1)',
    'data:text/html,<p>x</p>',
    'http://app.example/board',
    'https://app.example:8443/board',
    'http://[',
  ])('refuses %p', (path) => {
    expect(sameOriginUrl(path, page, origin)).toBeUndefined();
  });

  it('refuses a path that a <base> of another origin sends elsewhere, and anything on a page of no origin', () => {
    expect(sameOriginUrl('/board', 'https://cdn.example/', origin)).toBeUndefined();
    expect(sameOriginUrl('/board', 'file:///tmp/page.html', 'null')).toBeUndefined();
  });
});
