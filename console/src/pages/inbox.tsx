import { useEffect, useState } from 'preact/hooks';
import { ApiProblem, must } from '../api';
import type { components } from '../api-types';
import { INBOX_PAGE_SIZE, INBOX_REFRESH_MS } from '../policy';
import { BASE, flowHref, navigate, taskHref } from '../router';
import { useSession } from '../session';
import { dueLabel } from '../time';

type TaskSummary = components['schemas']['TaskSummary'];
type Filters = { status?: string; kind?: string; role?: string; businessKey?: string };

const STATUSES = ['open', 'claimed', 'completed', 'expired'] as const;
const ROLES = ['reviewer', 'merchandiser', 'cs-agent', 'aftersales', 'finance', 'ops-lead'] as const;
const FILTER_KEYS = ['status', 'kind', 'role', 'businessKey'] as const;

function filtersOf(search: string): Filters {
  const params = new URLSearchParams(search);
  return Object.fromEntries(FILTER_KEYS.map((key) => [key, params.get(key) || undefined]).filter(([, v]) => v)) as Filters;
}

function searchOf(filters: Filters): string {
  const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v) as Array<[string, string]>);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * The tasks the caller may act on (the API's `mine`), open then claimed, soonest due first. The
 * filters live in the URL, so a view can be bookmarked and shared; the list reloads on its own.
 */
export function InboxPage({ search }: { search: string }) {
  const session = useSession();
  const filters = filtersOf(search);
  const [draft, setDraft] = useState<Filters>(filters);
  // tokens[i] starts page i; page 0 starts at the beginning.
  const [tokens, setTokens] = useState<Array<string | undefined>>([undefined]);
  const [pageIndex, setPageIndex] = useState(0);
  const [items, setItems] = useState<TaskSummary[]>();
  const [nextToken, setNextToken] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const [loadedAt, setLoadedAt] = useState<number>();

  useEffect(() => {
    setDraft(filters);
    setTokens([undefined]);
    setPageIndex(0);
  }, [search]);

  const load = async () => {
    try {
      await session.syncClock();
      const query = {
        ...(filters as Record<string, string>),
        mine: 'true' as const,
        limit: INBOX_PAGE_SIZE,
        ...(tokens[pageIndex] ? { nextToken: tokens[pageIndex] } : {}),
      };
      const page = must(await session.api.client.GET('/tasks', { params: { query: query as never } }), 'this list');
      setItems(page.items);
      setNextToken(page.nextToken);
      setProblem(undefined);
      setLoadedAt(session.now());
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error.problem.words : String(error));
    }
  };

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), INBOX_REFRESH_MS);
    return () => clearInterval(timer);
  }, [search, pageIndex, tokens[pageIndex]]);

  const apply = (event: Event) => {
    event.preventDefault();
    navigate(`${BASE}${searchOf(draft)}`);
  };
  const set = (key: keyof Filters) => (event: Event) => setDraft({ ...draft, [key]: (event.currentTarget as HTMLInputElement).value || undefined });

  return (
    <main>
      <h1>Inbox</h1>
      <form class="filters" onSubmit={apply} aria-label="Filters">
        <label>
          Status
          <select name="status" value={draft.status ?? ''} onChange={set('status')}>
            <option value="">open and claimed</option>
            {STATUSES.map((s) => <option value={s}>{s}</option>)}
          </select>
        </label>
        <label>
          Kind
          <input name="kind" value={draft.kind ?? ''} onInput={set('kind')} placeholder="e.g. refund-approval" />
        </label>
        <label>
          Role
          <select name="role" value={draft.role ?? ''} onChange={set('role')}>
            <option value="">any of mine</option>
            {ROLES.map((r) => <option value={r}>{r}</option>)}
          </select>
        </label>
        <label>
          Business key
          <input name="businessKey" value={draft.businessKey ?? ''} onInput={set('businessKey')} placeholder="e.g. R-1001" />
        </label>
        <button type="submit">Filter</button>
        <button type="button" class="secondary" onClick={() => navigate(BASE)}>Clear</button>
      </form>
      {problem && <p role="alert" class="error">{problem}</p>}
      {items === undefined && !problem && <p>Loading tasks…</p>}
      {items && items.length === 0 && <p data-testid="empty">No tasks match: nothing waits for you here.</p>}
      {items && items.length > 0 && (
        <table class="tasks">
          <caption>Tasks you may act on{loadedAt ? `, as of ${new Date(loadedAt).toLocaleTimeString()}` : ''}</caption>
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Kind</th>
              <th scope="col">Business key</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Due</th>
              <th scope="col">Escalation</th>
              <th scope="col">Held by</th>
            </tr>
          </thead>
          <tbody>
            {items.map((task) => {
              const due = dueLabel(task.dueAt, session.now());
              return (
                <tr data-task-id={task.taskId}>
                  <td><a href={taskHref(task.taskId)}>{task.summary}</a></td>
                  <td>{task.kind}</td>
                  <td><a href={flowHref(task.flow, task.businessKey)} aria-label={`flow ${task.flow} ${task.businessKey}`}>{task.businessKey}</a></td>
                  <td>{task.role}</td>
                  <td><span class={`status ${task.status}`}>{task.status}</span></td>
                  <td class={due.overdue ? 'overdue' : ''} title={task.dueAt}>{due.overdue ? <strong>{due.text}</strong> : due.text}</td>
                  <td>{task.escalationLevel === 0 ? '—' : `level ${task.escalationLevel}`}</td>
                  <td>{task.claimedBy ?? '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label="Pages">
        <button type="button" class="secondary" disabled={pageIndex === 0} onClick={() => setPageIndex(pageIndex - 1)}>Previous page</button>
        <span>Page {pageIndex + 1}</span>
        <button
          type="button"
          class="secondary"
          disabled={!nextToken}
          onClick={() => {
            setTokens([...tokens.slice(0, pageIndex + 1), nextToken]);
            setPageIndex(pageIndex + 1);
          }}
        >
          Next page
        </button>
      </nav>
    </main>
  );
}
