import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem, must } from '../api';
import type { components } from '../api-types';
import type { LaidOutGraph } from '../graph';
import { FLOW_REFRESH_MS } from '../policy';
import { taskHref } from '../router';
import { useSession } from '../session';
import { shortTime } from '../time';

type FlowView = components['schemas']['FlowView'];
type FlowDefinition = components['schemas']['FlowDefinition'];
type TaskSummary = components['schemas']['TaskSummary'];

const STATE_WORDS = { current: 'current step', taken: 'step taken', 'not-taken': 'not reached' } as const;

function FlowGraph({ graph, title }: { graph: LaidOutGraph; title: string }) {
  const path = (points: Array<{ x: number; y: number }>) => points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  const containers = graph.nodes.filter((n) => n.container);
  const states = graph.nodes.filter((n) => !n.container);
  return (
    <svg class="flow-graph" viewBox={`0 0 ${Math.ceil(graph.width)} ${Math.ceil(graph.height)}`} width={Math.ceil(graph.width)} role="img" aria-labelledby="graph-title">
      <title id="graph-title">{title}</title>
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" />
        </marker>
      </defs>
      {containers.map((n) => (
        <g class={`container ${n.state}`} data-state={n.id} data-status={n.state}>
          <rect x={n.x - n.width / 2} y={n.y - n.height / 2} width={n.width} height={n.height} rx={8} />
          <text x={n.x - n.width / 2 + 8} y={n.y - n.height / 2 + 14}>{n.id}</text>
        </g>
      ))}
      {graph.edges.map((e) => (
        <path class={e.taken ? 'edge taken' : 'edge'} d={path(e.points)} marker-end="url(#arrow)">
          <title>{`${e.from} → ${e.to} (${e.on})`}</title>
        </path>
      ))}
      {states.map((n) => (
        <g class={`node ${n.state} type-${n.type.toLowerCase()}`} data-state={n.id} data-status={n.state}>
          <title>{`${n.id}: ${n.type}, ${STATE_WORDS[n.state]}`}</title>
          <rect x={n.x - n.width / 2} y={n.y - n.height / 2} width={n.width} height={n.height} rx={n.type === 'Choice' ? 18 : 6} />
          <text x={n.x} y={n.y + 4} text-anchor="middle">{n.id}</text>
        </g>
      ))}
    </svg>
  );
}

/** One flow instance: its state machine with the steps taken, the timeline, the result, its tasks. */
export function FlowPage({ flow, businessKey }: { flow: string; businessKey: string }) {
  const session = useSession();
  const [view, setView] = useState<FlowView>();
  const [definition, setDefinition] = useState<FlowDefinition>();
  // The definition does not change while the page polls the instance: read it once per flow.
  const definitionOf = useRef<string | undefined>(undefined);
  const [tasks, setTasks] = useState<TaskSummary[]>([]);
  const [problem, setProblem] = useState<string>();
  // The layout library is loaded with the first flow page, not with the inbox.
  const [graphs, setGraphs] = useState<typeof import('../graph')>();
  useEffect(() => void import('../graph').then(setGraphs), []);

  const load = async () => {
    try {
      const [instance, machine, list] = await Promise.all([
        session.api.client.GET('/flows/{flow}/{businessKey}', { params: { path: { flow: flow as never, businessKey } } }),
        definitionOf.current === flow ? Promise.resolve(undefined) : session.api.client.GET('/flows/{flow}', { params: { path: { flow: flow as never } } }),
        session.api.client.GET('/tasks', { params: { query: { businessKey } } }),
      ]);
      setView(must(instance, 'flow'));
      if (machine) {
        setDefinition(must(machine, 'flow'));
        definitionOf.current = flow;
      }
      setTasks(must(list).items.filter((t) => t.flow === flow));
      setProblem(undefined);
      return must(instance).status;
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error.problem.words : String(error));
      return undefined;
    }
  };

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const tick = async () => {
      const status = await load();
      if (!stopped && status === 'RUNNING') timer = setTimeout(() => void tick(), FLOW_REFRESH_MS);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [flow, businessKey]);

  const graph = view && definition && graphs ? graphs.layoutFlow(definition, view.steps.map((s) => s.name), view.currentStep) : undefined;
  return (
    <main>
      <h1>
        {flow} <span class="key">{businessKey}</span>
      </h1>
      {problem && <p role="alert" class="error">{problem}</p>}
      {view && (
        <dl class="facts">
          <dt>Status</dt>
          <dd data-testid="flow-status"><span class={`status ${view.status.toLowerCase()}`}>{view.status}</span></dd>
          <dt>Current step</dt>
          <dd data-testid="current-step">{view.currentStep ?? '—'}</dd>
          <dt>Started</dt>
          <dd>{shortTime(view.startedAt)}</dd>
          {view.stoppedAt && (
            <>
              <dt>Stopped</dt>
              <dd>{shortTime(view.stoppedAt)}</dd>
            </>
          )}
          {view.error && (
            <>
              <dt>Error</dt>
              <dd>{view.error}</dd>
            </>
          )}
        </dl>
      )}
      {graph && (
        <section aria-labelledby="graph-heading">
          <h2 id="graph-heading">State machine</h2>
          <p class="legend">
            <span class="swatch current" /> current step <span class="swatch taken" /> steps taken <span class="swatch not-taken" /> not reached
          </p>
          <div class="graph-scroll">
            <FlowGraph graph={graph} title={`${flow} state machine; ${view!.currentStep ? `current step ${view!.currentStep}` : `flow ${view!.status.toLowerCase()}`}`} />
          </div>
        </section>
      )}
      {tasks.length > 0 && (
        <section aria-labelledby="tasks-heading">
          <h2 id="tasks-heading">Tasks</h2>
          <ul>
            {tasks.map((t) => (
              <li>
                <a href={taskHref(t.taskId)}>{t.summary}</a> — {t.kind}, {t.status}
                {t.claimedBy ? `, held by ${t.claimedBy}` : ''}
              </li>
            ))}
          </ul>
        </section>
      )}
      {view && (
        <section aria-labelledby="timeline-heading">
          <h2 id="timeline-heading">Timeline</h2>
          <table class="timeline">
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col">Entered</th>
                <th scope="col">Left</th>
              </tr>
            </thead>
            <tbody>
              {view.steps.map((s) => (
                <tr class={s.name === view.currentStep && !s.exitedAt ? 'current' : ''}>
                  <td>{s.name}</td>
                  <td>{shortTime(s.enteredAt)}</td>
                  <td>{s.exitedAt ? shortTime(s.exitedAt) : 'still here'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {view && view.result !== undefined && (
        <section aria-labelledby="result-heading">
          <h2 id="result-heading">Result</h2>
          <pre data-testid="result">{JSON.stringify(view.result, null, 2)}</pre>
        </section>
      )}
    </main>
  );
}
