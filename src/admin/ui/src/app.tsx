// The console's shell: sign-in with a token, navigation by URL hash, one view at a time.
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure, get, session, whenSignedOut } from './api';
import { ConfirmDialog, type ConfirmRequest } from './components/confirm';
import { Notice } from './components/ui';
import { AuditView } from './views/audit';
import { ConsumerGroupsView, ConsumerGroupView } from './views/consumer-groups';
import { MessagesView, MessageView } from './views/messages';
import { OverviewView } from './views/overview';
import { ProducerGroupsView } from './views/producer-groups';
import { TopicsView, TopicView } from './views/topics';
import { TransactionsView } from './views/transactions';

const NAV = [
  ['overview', 'Overview'],
  ['transactions', 'Transactions'],
  ['topics', 'Topics'],
  ['producer-groups', 'Producer groups'],
  ['consumer-groups', 'Consumer groups'],
  ['messages', 'Messages'],
  ['audit', 'Audit'],
] as const;

function parseHash(hash: string): { path: string[]; params: URLSearchParams } {
  const [path, search] = hash.replace(/^#\/?/, '').split('?');
  return {
    path: path.split('/').filter(Boolean).map(decodeURIComponent),
    params: new URLSearchParams(search ?? ''),
  };
}

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

export function App() {
  const [signedIn, setSignedIn] = useState(session.token() !== null);
  const [reason, setReason] = useState<string | null>(null);
  useEffect(
    () =>
      whenSignedOut((why) => {
        setReason(why);
        setSignedIn(false);
      }),
    [],
  );
  if (!signedIn) return <SignIn reason={reason} onSignedIn={() => setSignedIn(true)} />;
  return (
    <Console
      onSignOut={() => {
        session.signOut();
        setReason(null);
        setSignedIn(false);
      }}
    />
  );
}

function SignIn({ reason, onSignedIn }: { reason: string | null; onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    session.signIn(token.trim());
    try {
      await get('/v1/admin/overview');
      onSignedIn();
    } catch (failure) {
      session.signOut();
      const status = failure instanceof ApiFailure ? failure.status : 0;
      setError(
        status === 401
          ? 'This token is not valid (unknown or revoked).'
          : status === 403
            ? 'This token is valid but may not use the console: it needs the admin or operator role.'
            : `Could not reach the service: ${(failure as Error).message}`,
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <form onSubmit={(event) => void submit(event)} aria-label="Sign in">
        <h1>txmsg console</h1>
        <p class="muted">Sign in with an admin or operator token. It is kept in this browser tab only.</p>
        {reason && !error ? <Notice kind="info">{reason}</Notice> : null}
        {error ? <Notice kind="error">{error}</Notice> : null}
        <label>
          Token
          <input
            type="password"
            autoComplete="off"
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
            required
          />
        </label>
        <button type="submit" class="primary" disabled={busy || token.trim() === ''}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

function Console({ onSignOut }: { onSignOut: () => void }) {
  const hash = useHash();
  const { path, params } = parseHash(hash);
  const [confirmRequest, setConfirmRequest] = useState<ConfirmRequest | null>(null);
  const section = path[0] ?? 'overview';
  let view;
  if (section === 'transactions')
    view = <TransactionsView key={hash} params={params} confirm={setConfirmRequest} />;
  else if (section === 'topics' && path[1]) view = <TopicView name={path[1]} />;
  else if (section === 'topics') view = <TopicsView />;
  else if (section === 'producer-groups') view = <ProducerGroupsView />;
  else if (section === 'consumer-groups' && path[1])
    view = <ConsumerGroupView name={path[1]} confirm={setConfirmRequest} />;
  else if (section === 'consumer-groups') view = <ConsumerGroupsView />;
  else if (section === 'messages' && path[1]) view = <MessageView id={path[1]} />;
  else if (section === 'messages') view = <MessagesView params={params} />;
  else if (section === 'audit') view = <AuditView />;
  else view = <OverviewView />;
  return (
    <>
      <header class="topbar">
        <span class="brand">txmsg</span>
        <nav aria-label="Views">
          {NAV.map(([id, label]) => (
            <a
              key={id}
              href={`#/${id}`}
              class={section === id ? 'active' : ''}
              aria-current={section === id ? 'page' : undefined}
            >
              {label}
            </a>
          ))}
        </nav>
        <span class="spacer" />
        <button type="button" class="link light" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main class="content">{view}</main>
      <ConfirmDialog request={confirmRequest} onClose={() => setConfirmRequest(null)} />
    </>
  );
}
