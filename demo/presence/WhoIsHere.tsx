import { PresenceCount, PresenceList, type PresenceSource } from '../../index';
import { LiveStream } from '../page/LiveStream';
import type { PageContext } from '../page/pageContext';
import { WHO_IS_HERE_CHANNEL } from './presenceMembers';
import { isSignedIn, NAME_LIMIT, type Visitor } from './visitor';

/** Connection id of the card's stream (its indicator is `#sse-status-here`). */
export const WHO_IS_HERE_CONNECTION = 'here';

/** Props of {@link WhoIsHere}. */
export interface WhoIsHereProps {
  context: PageContext;
  /** Where the list and count read who is here when the page renders (the broadcaster). */
  presence: PresenceSource;
  /** Who the page is rendered for. */
  visitor: Visitor;
}

function SignInForm({ context }: { context: PageContext }): JSX.Element {
  return (
    <form class="inline-form" id="signin-form" method="post" action="/signin">
      <label class="visually-hidden" for="signin-name">
        Your name
      </label>
      <input
        id="signin-name"
        name="name"
        type="text"
        required
        maxlength={String(NAME_LIMIT)}
        placeholder="Your name (no password)"
        autocomplete="nickname"
      />
      <input type="hidden" name="dialect" value={context.dialect} />
      <button type="submit" class="button primary">
        Sign in
      </button>
    </form>
  );
}

function SignedIn({ name, context }: { name: string; context: PageContext }): JSX.Element {
  return (
    <div class="who-me">
      <span class="muted">
        Signed in as{' '}
        <strong class="who-name" safe>
          {name}
        </strong>
      </span>
      <form method="post" action={`/signout?dialect=${context.dialect}`} hx-post="/signout" hx-swap="none">
        <button type="submit" class="button quiet small" id="signout">
          Sign out
        </button>
      </form>
    </div>
  );
}

/**
 * The "Who is here" card: everyone signed in with a tab open, live across tabs and processes
 * (`<PresenceList>` and `<PresenceCount>` on the card's own monitored stream), and signing in or
 * out. A tab whose streams ended because its user signed out (state `unauthorized`) shows the
 * signed-out note and a link to sign in again instead (the stylesheet's `:has`, no script).
 */
export function WhoIsHere({ context, presence, visitor }: WhoIsHereProps): JSX.Element {
  const channel = WHO_IS_HERE_CHANNEL;
  return (
    <div class="who">
      <div class="who-head">
        <span class="muted">
          <PresenceCount channel={channel} presence={presence} /> signed in here now
        </span>
        <LiveStream context={context} channel={channel} connectionId={WHO_IS_HERE_CONNECTION} size="xs" />
      </div>
      <PresenceList channel={channel} presence={presence} class="people" empty="No one is signed in yet." />
      {isSignedIn(visitor) ? <SignedIn name={visitor.name} context={context} /> : <SignInForm context={context} />}
      <p class="signed-out" role="status" hidden>
        You signed out, so this tab's streams were ended.{' '}
        <a href={`/?dialect=${context.dialect}`} id="sign-in-again">
          Sign in again
        </a>
      </p>
    </div>
  );
}
