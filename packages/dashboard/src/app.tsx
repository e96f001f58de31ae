/** The shell: session check, sign-in, navigation, and the page for the current path. */
import { useEffect, useState } from 'preact/hooks';
import { ErrorState, Loading } from './components/status';
import { ApiError, api, type Session, setCsrfToken, whenSignedOut } from './lib/api';
import { navigate, usePath } from './lib/router';
import { ComposePage } from './pages/compose';
import { InboxPage } from './pages/inbox';
import { OperationsPage } from './pages/operations';
import { PostPage } from './pages/post';
import { SchedulePage } from './pages/schedule';
import { SignInPage } from './pages/signin';

const NAV = [
  { path: '/schedule', label: 'Schedule' },
  { path: '/compose', label: 'Compose' },
  { path: '/inbox', label: 'Inbox' },
  { path: '/operations', label: 'Operations' },
] as const;

export function App() {
  const path = usePath();
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);

  const adopt = (s: Session | null) => {
    setCsrfToken(s?.csrfToken);
    setSession(s);
  };
  useEffect(() => {
    whenSignedOut(() => adopt(null));
    api<Session>('GET', '/v1/session').then(adopt, (e: unknown) => {
      if (e instanceof ApiError && e.status === 401) adopt(null);
      else setError(e);
    });
  }, []);
  useEffect(() => {
    if (session && (path === '/' || path === '/signin')) navigate('/schedule', true);
  }, [session, path]);

  if (error) return <ErrorState error={error} retry={() => location.reload()} />;
  if (session === undefined) return <Loading what="the dashboard" />;
  if (session === null) return <SignInPage onSignedIn={adopt} />;

  const signOut = async () => {
    await api('DELETE', '/v1/session').catch(() => {});
    adopt(null);
    navigate('/signin', true);
  };
  const page = path.startsWith('/posts/') ? (
    <PostPage id={decodeURIComponent(path.slice('/posts/'.length))} session={session} />
  ) : path === '/compose' ? (
    <ComposePage session={session} />
  ) : path === '/inbox' ? (
    <InboxPage session={session} />
  ) : path === '/operations' ? (
    <OperationsPage session={session} />
  ) : (
    <SchedulePage session={session} />
  );
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">igkit</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => (
              <li key={n.path}>
                <a href={n.path} aria-current={path.startsWith(n.path) ? 'page' : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span title={`API key ${session.keyId}`}>{session.name}</span>
          <button type="button" class="link" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </>
  );
}
