import type { RJSFSchema } from '@rjsf/utils';
import { useEffect, useState } from 'preact/hooks';
import { ApiProblem, must } from '../api';
import type { components } from '../api-types';
import { flowHref } from '../router';
import { useSession } from '../session';
import { dueLabel, shortTime } from '../time';
import type { Problem } from '../words';

type TaskDetail = components['schemas']['TaskDetail'];
type Outcome = components['schemas']['AllowedOutcome'];

/** The outcome's JSON Schema as the form library reads it (draft-07 by default: the 2020-12 marker is dropped, the keywords used are the same). */
function formSchema(outcome: Outcome | undefined): RJSFSchema | undefined {
  if (!outcome?.dataSchema) return undefined;
  const { $schema: _dialect, ...schema } = outcome.dataSchema as Record<string, unknown>;
  return schema as RJSFSchema;
}

/** `data.trackingNumber` → the form library's error schema, so the field itself is marked. */
function dataErrors(fields: Record<string, string>) {
  const schema: Record<string, { __errors: string[] }> = {};
  for (const [field, message] of Object.entries(fields)) {
    if (field.startsWith('data.')) schema[field.slice(5).split('.')[0]] = { __errors: [message] };
  }
  return schema;
}

/** One task: what to decide, who holds it, its history; claim, release and decide it. */
export function TaskPage({ taskId }: { taskId: string }) {
  const session = useSession();
  const me = session.me.user;
  const [task, setTask] = useState<TaskDetail>();
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [outcomeName, setOutcomeName] = useState<string>();
  const [reason, setReason] = useState('');
  const [data, setData] = useState<Record<string, unknown>>({});
  const [forms, setForms] = useState<typeof import('../data-form')>();

  const path = { params: { path: { taskId } } };
  const load = async () => {
    try {
      setTask(must(await session.api.client.GET('/tasks/{taskId}', path)));
    } catch (error) {
      if (error instanceof ApiProblem) setProblem(error.problem);
      else throw error;
    }
  };
  useEffect(() => {
    setTask(undefined);
    setProblem(undefined);
    setNotice(undefined);
    void session.syncClock().then(load);
  }, [taskId]);

  const act = async (what: string, call: () => Promise<{ data?: TaskDetail; error?: unknown; response: Response }>) => {
    setBusy(true);
    setProblem(undefined);
    setNotice(undefined);
    try {
      const updated = must(await call());
      setTask(updated);
      setNotice(what);
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      // A conflict means the task moved on: show it as it is now, with why.
      if (error.problem.status === 409) await load();
      setProblem(error.problem);
    } finally {
      setBusy(false);
    }
  };

  if (!task) {
    return (
      <main>
        <h1>Task</h1>
        {problem ? <p role="alert" class="error" data-testid="problem">{problem.words}</p> : <p>Loading the task…</p>}
      </main>
    );
  }

  const outcome = task.allowedOutcomes.find((o) => o.name === outcomeName);
  const schema = formSchema(outcome);
  if (schema && !forms) void import('../data-form').then(setForms);
  const decidable = task.status === 'open' || (task.status === 'claimed' && task.claimedBy === me);
  const due = dueLabel(task.dueAt, session.now());
  const fields = problem?.status === 400 ? problem.fields : {};

  const complete = (event: Event) => {
    event.preventDefault();
    if (!outcome) return;
    const body = { outcome: outcome.name, ...(reason.trim() ? { reason: reason.trim() } : {}), ...(schema ? { data } : {}) };
    void act(`Decided: ${outcome.name}. The flow goes on.`, () => session.api.client.POST('/tasks/{taskId}/complete', { ...path, body }));
  };

  return (
    <main>
      <h1>
        {task.kind} <span class="key">{task.businessKey}</span>
      </h1>
      <p class="summary" data-testid="summary">{task.summary}</p>
      <dl class="facts">
        <dt>Kind</dt>
        <dd>{task.kind}</dd>
        <dt>Business key</dt>
        <dd>
          <a href={flowHref(task.flow, task.businessKey)}>{task.businessKey}</a> ({task.flow} flow)
        </dd>
        <dt>Role</dt>
        <dd>{task.role}</dd>
        <dt>Status</dt>
        <dd data-testid="status"><span class={`status ${task.status}`}>{task.status}</span></dd>
        <dt>Held by</dt>
        <dd data-testid="holder">{task.claimedBy ?? 'nobody'}</dd>
        <dt>Due</dt>
        <dd class={due.overdue ? 'overdue' : ''}>{due.text} ({shortTime(task.dueAt)})</dd>
        <dt>Escalation</dt>
        <dd>{task.escalationLevel === 0 ? 'not escalated' : `level ${task.escalationLevel}`}</dd>
      </dl>

      {notice && <p role="status" class="notice">{notice}</p>}
      {problem && <p role="alert" class="error" data-testid="problem">{problem.words}</p>}

      {task.decision && (
        <section aria-labelledby="decision-heading">
          <h2 id="decision-heading">Decision</h2>
          <p>
            <strong>{task.decision.outcome}</strong> by {task.decision.decidedBy} at {shortTime(task.decision.decidedAt)}
            {task.decision.reason ? `: ${task.decision.reason}` : ''}
          </p>
          {task.decision.data && <pre>{JSON.stringify(task.decision.data, null, 2)}</pre>}
        </section>
      )}

      <div class="actions">
        {task.status === 'open' && (
          <button type="button" disabled={busy} onClick={() => void act('You hold this task now.', () => session.api.client.POST('/tasks/{taskId}/claim', path))}>
            Claim
          </button>
        )}
        {task.status === 'claimed' && task.claimedBy === me && (
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() => void act('Released: the task is open to its role again.', () => session.api.client.POST('/tasks/{taskId}/release', { ...path, body: {} }))}
          >
            Release
          </button>
        )}
      </div>

      {decidable && (
        <form class="decide" onSubmit={complete} aria-labelledby="decide-heading" noValidate>
          <h2 id="decide-heading">Decide</h2>
          <fieldset class="outcomes">
            <legend>Outcome</legend>
            {task.allowedOutcomes.map((o) => (
              <button type="button" class={o.name === outcomeName ? 'outcome chosen' : 'outcome'} aria-pressed={o.name === outcomeName} onClick={() => setOutcomeName(o.name)}>
                {o.name}
              </button>
            ))}
            {fields.outcome && <p class="field-error">{fields.outcome}</p>}
          </fieldset>
          <label for="reason">
            Reason{outcome?.reasonRequired ? ' (required for this outcome)' : ' (optional)'}
          </label>
          <textarea
            id="reason"
            name="reason"
            rows={3}
            value={reason}
            required={outcome?.reasonRequired}
            aria-invalid={fields.reason ? true : undefined}
            aria-describedby={fields.reason ? 'reason-error' : undefined}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
          {fields.reason && <p id="reason-error" class="field-error">{fields.reason}</p>}
          {schema && (
            <section class="outcome-data" aria-label={`Data for ${outcome!.name}`}>
              {forms ? <forms.DataForm schema={schema} data={data} errors={dataErrors(fields)} onChange={setData} /> : <p>Loading the form…</p>}
            </section>
          )}
          <button type="submit" disabled={busy || !outcome}>Complete</button>
        </form>
      )}

      <section aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        <ol class="history">
          {task.history.map((entry) => (
            <li>
              {shortTime(entry.at)} — <strong>{entry.type}</strong> by {entry.actor}
              {entry.outcome ? ` (${entry.outcome})` : ''}
              {entry.level !== undefined ? ` to level ${entry.level}` : ''}
              {entry.role ? `, role ${entry.role}` : ''}
              {entry.reason ? `: ${entry.reason}` : ''}
            </li>
          ))}
        </ol>
      </section>
    </main>
  );
}
