import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiProblem, createApi, must } from './api';
import { completeCognitoSignIn, currentToken, forgetToken, signInLocally, signOut, startCognitoSignIn } from './auth';
import type { ConsoleConfig } from './config';
import { InboxPage } from './pages/inbox';
import { TaskPage } from './pages/task';
import { FlowPage } from './pages/flow';
import { ReportsPage } from './pages/reports';
import { BASE, interceptLinks, navigate, routeOf, useLocation } from './router';
import { SessionContext, platformClock, type Session } from './session';
import './style.css';

function SignIn({ config, onSignedIn, notice }: { config: ConsoleConfig; onSignedIn: () => void; notice?: string }) {
  const [user, setUser] = useState('');
  const [groups, setGroups] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  if (config.auth.kind === 'cognito') {
    const auth = config.auth;
    return (
      <main class="sign-in">
        <h1>Ops console</h1>
        {notice && <p role="status">{notice}</p>}
        <p>Sign in with your ops account.</p>
        <button type="button" onClick={() => void startCognitoSignIn(auth)}>Sign in</button>
      </main>
    );
  }
  const tokenUrl = config.auth.tokenUrl;
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signInLocally(tokenUrl, user, groups.split(/[\s,]+/).filter(Boolean));
      onSignedIn();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <h1>Ops console</h1>
      {notice && <p role="status">{notice}</p>}
      <p>Local platform: sign in as anyone, with the groups (roles) you want to act in.</p>
      <form onSubmit={submit}>
        <label for="user">User</label>
        <input id="user" name="user" autocomplete="username" required value={user} onInput={(e) => setUser(e.currentTarget.value)} />
        <label for="groups">Groups</label>
        <input id="groups" name="groups" aria-describedby="groups-hint" value={groups} onInput={(e) => setGroups(e.currentTarget.value)} />
        <p id="groups-hint" class="hint">Comma-separated: reviewer, merchandiser, cs-agent, aftersales, finance, ops-lead</p>
        {error && <p role="alert" class="error">{error}</p>}
        <button type="submit" disabled={busy}>Sign in</button>
      </form>
    </main>
  );
}

function Header({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  return (
    <header>
      <nav aria-label="Console">
        <a href={BASE} class="brand">Ops console</a>
        <a href={BASE}>Inbox</a>
        <a href={`${BASE}reports`}>Reports</a>
      </nav>
      <div class="who">
        <span>
          Signed in as <strong data-testid="user">{session.me.user}</strong>
          {' · '}
          <span data-testid="roles">{session.me.roles.map((r) => r.role).join(', ') || 'no ops role'}</span>
        </span>
        <button type="button" class="secondary" onClick={onSignOut}>Sign out</button>
      </div>
    </header>
  );
}

function Page() {
  const where = useLocation();
  const route = routeOf(where.pathname);
  switch (route.page) {
    case 'inbox':
      return <InboxPage search={where.search} />;
    case 'task':
      return <TaskPage taskId={route.taskId} />;
    case 'flow':
      return <FlowPage flow={route.flow} businessKey={route.businessKey} />;
    case 'reports':
      return <ReportsPage />;
    default:
      return (
        <main>
          <h1>Not found</h1>
          <p>The console has no page at {where.pathname}. <a href={BASE}>Back to the inbox</a>.</p>
        </main>
      );
  }
}

function App({ config }: { config: ConsoleConfig }) {
  const [session, setSession] = useState<Session>();
  const [notice, setNotice] = useState<string>();
  const [ready, setReady] = useState(false);

  const open = async () => {
    const clock = platformClock(config.clockUrl);
    const api = createApi(config.apiUrl, currentToken, () => {
      // The token expired (an hour, on the platform's clock): back to signing in, on the same page.
      forgetToken();
      setSession(undefined);
      setNotice('Your sign-in has expired. Sign in again to go on.');
    });
    try {
      const me = must(await api.client.GET('/me'));
      await clock.sync();
      setSession({ config, api, me, now: clock.now, syncClock: clock.sync });
      setNotice(undefined);
    } catch (error) {
      forgetToken();
      setNotice(error instanceof ApiProblem ? error.problem.words : String(error));
    }
  };

  useEffect(() => {
    completeCognitoSignIn(config)
      .then(async (returnTo) => {
        if (returnTo) {
          navigate(returnTo, true);
          await open();
        }
      })
      .catch((error) => setNotice(`Sign-in did not complete: ${(error as Error).message}`))
      .finally(() => setReady(true));
  }, []);

  if (!ready) return <p>Loading…</p>;
  if (!session) return <SignIn config={config} notice={notice} onSignedIn={() => void open()} />;
  return (
    <SessionContext.Provider value={session}>
      <Header
        session={session}
        onSignOut={() => {
          setSession(undefined);
          setNotice('You are signed out.');
          void signOut(config);
        }}
      />
      <Page />
    </SessionContext.Provider>
  );
}

async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json answered ${response.status}`);
  return (await response.json()) as ConsoleConfig;
}

interceptLinks();
loadConfig()
  .then((config) => render(<App config={config} />, document.getElementById('app')!))
  .catch((error) => {
    document.getElementById('app')!.textContent = `The console cannot start: ${(error as Error).message}`;
  });
