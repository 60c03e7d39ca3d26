import { useEffect, useState } from 'preact/hooks';
import { ApiProblem, must } from '../api';
import type { components } from '../api-types';
import { CALLBACK_WEEKS } from '../policy';
import { useSession } from '../session';
import { dueLabel, recentWeeks, shortTime } from '../time';
import { explain } from '../words';

type SlaReport = components['schemas']['SlaReport'];
type QuarantineReport = components['schemas']['QuarantineReport'];
/** `GET /reports/callbacks?week=` (served once member callbacks are deployed). */
type CallbackWeek = { week: string; due: number; completed: number; coverage: number; target: number; met: boolean };

const words = (error: unknown) => (error instanceof ApiProblem ? error.problem.words : String(error));

function CoverageChart({ weeks }: { weeks: CallbackWeek[] }) {
  const width = 600;
  const height = 220;
  const left = 44;
  const bottom = 42;
  const top = 22;
  const plot = height - bottom - top;
  const bar = (width - left) / weeks.length;
  const y = (value: number) => top + plot * (1 - Math.min(1, value));
  const target = weeks[0]?.target ?? 0.8;
  const percent = (value: number) => `${Math.round(value * 100)} %`;
  // A week nobody was due a callback counts as covered (the report says 1); it is drawn hollow, "none due".
  const describe = (w: CallbackWeek) => (w.due === 0 ? `${w.week} none due` : `${w.week} ${percent(w.coverage)} of ${w.due}`);
  return (
    <figure>
      <svg viewBox={`0 0 ${width} ${height}`} width={width} role="img" aria-labelledby="coverage-title" class="chart">
        <title id="coverage-title">{`Callback coverage per week: ${weeks.map(describe).join(', ')}; target ${percent(target)}`}</title>
        {[0, 0.5, 1].map((v) => (
          <text x={left - 6} y={y(v) + 4} text-anchor="end" class="axis">{percent(v)}</text>
        ))}
        {weeks.map((w, i) => (
          <g class={w.due === 0 ? 'bar none-due' : w.met ? 'bar met' : 'bar missed'}>
            <rect x={left + i * bar + 6} y={y(w.coverage)} width={bar - 12} height={top + plot - y(w.coverage)} />
            <text x={left + i * bar + bar / 2} y={height - 24} text-anchor="middle" class="axis">{w.week.slice(5)}</text>
            <text x={left + i * bar + bar / 2} y={height - 10} text-anchor="middle" class="axis">{w.due === 0 ? 'none due' : `${w.completed}/${w.due}`}</text>
          </g>
        ))}
        <line x1={left} x2={width} y1={y(target)} y2={y(target)} class="target" />
        <text x={left + 4} y={top - 8} class="axis">{`dashed line: target ${percent(target)}`}</text>
      </svg>
      <figcaption>Callbacks completed over those due, per ISO week (Asia/Shanghai); a bar below the dashed line misses the target.</figcaption>
    </figure>
  );
}

/** SLA per task kind, quarantined events, and callback coverage where the API serves it. */
export function ReportsPage() {
  const session = useSession();
  const [sla, setSla] = useState<SlaReport | string>();
  const [quarantine, setQuarantine] = useState<QuarantineReport | string>();
  const [callbacks, setCallbacks] = useState<CallbackWeek[] | string>();

  useEffect(() => {
    void session.syncClock().then(async () => {
      session.api.client.GET('/reports/sla').then((r) => setSla(must(r, 'report'))).catch((e) => setSla(words(e)));
      session.api.client.GET('/reports/quarantine').then((r) => setQuarantine(must(r, 'report'))).catch((e) => setQuarantine(words(e)));
      const weeks = recentWeeks(session.now(), CALLBACK_WEEKS);
      const answers = await Promise.all(weeks.map((week) => session.api.raw(`/reports/callbacks?week=${week}`)));
      if (answers.some((a) => a.status === 404)) setCallbacks('This deployment has no callback coverage report yet (member callbacks are not deployed).');
      else if (answers.some((a) => a.status !== 200)) {
        const refused = answers.find((a) => a.status !== 200)!;
        setCallbacks(`The callback coverage report could not be read. ${explain(refused.status, refused.body, 'report').words}`);
      }
      else setCallbacks(answers.map((a) => a.body as CallbackWeek));
    });
  }, []);

  return (
    <main>
      <h1>Reports</h1>
      <section aria-labelledby="sla-heading">
        <h2 id="sla-heading">SLA: open and breached tasks per kind</h2>
        {typeof sla === 'string' && <p role="alert" class="error">{sla}</p>}
        {sla === undefined && <p>Loading…</p>}
        {typeof sla === 'object' &&
          (sla.kinds.length === 0 ? (
            <p>Nothing is open.</p>
          ) : (
            <table data-testid="sla">
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Open</th>
                  <th scope="col">Breached</th>
                  <th scope="col">Oldest due</th>
                </tr>
              </thead>
              <tbody>
                {sla.kinds.map((k) => (
                  <tr class={k.breached > 0 ? 'breached' : ''}>
                    <td>{k.kind}</td>
                    <td>{k.open}</td>
                    <td>{k.breached > 0 ? <strong>{k.breached}</strong> : 0}</td>
                    <td>{k.oldestDueAt ? dueLabel(k.oldestDueAt, session.now()).text : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
      </section>
      <section aria-labelledby="quarantine-heading">
        <h2 id="quarantine-heading">Quarantined events</h2>
        {typeof quarantine === 'string' && <p role="alert" class="error">{quarantine}</p>}
        {typeof quarantine === 'object' &&
          (quarantine.events.length === 0 ? (
            <p>No event was quarantined in the last {quarantine.days} days.</p>
          ) : (
            <table data-testid="quarantine">
              <caption>Last {quarantine.days} days</caption>
              <thead>
                <tr>
                  <th scope="col">Source</th>
                  <th scope="col">Type</th>
                  <th scope="col">Count</th>
                  <th scope="col">Latest reason</th>
                  <th scope="col">Latest at</th>
                </tr>
              </thead>
              <tbody>
                {quarantine.events.map((e) => (
                  <tr>
                    <td>{e.source}</td>
                    <td>{e.detailType}</td>
                    <td>{e.count}</td>
                    <td>{e.latestReason}</td>
                    <td>{shortTime(e.latestAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
      </section>
      <section aria-labelledby="callbacks-heading">
        <h2 id="callbacks-heading">Callback coverage</h2>
        {callbacks === undefined && <p>Loading…</p>}
        {typeof callbacks === 'string' && <p data-testid="callbacks-missing">{callbacks}</p>}
        {Array.isArray(callbacks) && <CoverageChart weeks={callbacks} />}
      </section>
    </main>
  );
}
