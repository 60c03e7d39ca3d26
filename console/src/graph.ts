import { Graph, layout } from '@dagrejs/dagre';
import type { components } from './api-types';

type FlowDefinition = components['schemas']['FlowDefinition'];

export const START = '(start)';
export const END = '(end)';

export type NodeState = 'current' | 'taken' | 'not-taken';

export interface LaidOutNode {
  id: string;
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  state: NodeState;
  /** A Parallel or Map state drawn as a box around the states it runs. */
  container: boolean;
}

export interface LaidOutEdge {
  from: string;
  to: string;
  on: string;
  points: Array<{ x: number; y: number }>;
  taken: boolean;
}

export interface LaidOutGraph {
  width: number;
  height: number;
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
}

const CHAR_WIDTH = 7.2;
const NODE_HEIGHT = 36;
const PADDING = 16;

/**
 * The flow's state machine laid out top to bottom with dagre: one node per state (plus start and
 * end), one edge per transition. `taken` lists the steps the instance entered, in order; the
 * current step and the transitions it followed are marked.
 */
export function layoutFlow(definition: FlowDefinition, taken: string[], current: string | undefined): LaidOutGraph {
  const graph = new Graph({ compound: true, multigraph: true });
  graph.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 36, marginx: PADDING, marginy: PADDING });
  graph.setDefaultEdgeLabel(() => ({}));
  const parents = new Set(definition.states.map((s) => s.parent).filter(Boolean) as string[]);
  const size = (label: string) => ({ width: Math.max(96, Math.ceil(label.length * CHAR_WIDTH) + 28), height: NODE_HEIGHT });

  graph.setNode(START, { ...size(START), type: 'Start' });
  graph.setNode(END, { ...size(END), type: 'End' });
  for (const state of definition.states) graph.setNode(state.name, { ...size(state.name), type: state.type });
  for (const state of definition.states) if (state.parent) graph.setParent(state.name, state.parent);

  const edges: Array<{ from: string; to: string; on: string }> = [
    { from: START, to: definition.startAt, on: 'start' },
    ...definition.transitions,
    ...definition.states.filter((s) => s.end && !s.parent).map((s) => ({ from: s.name, to: END, on: 'end' })),
  ];
  // dagre cannot route an edge that touches a container: such an edge goes to a state inside it instead.
  const inside = (name: string) => definition.states.find((s) => s.parent === name)?.name ?? name;
  edges.forEach((edge, i) => {
    const from = parents.has(edge.from) ? inside(edge.from) : edge.from;
    const to = parents.has(edge.to) ? inside(edge.to) : edge.to;
    graph.setEdge(from, to, {}, String(i));
  });
  layout(graph);

  const enteredSet = new Set(taken);
  const followed = new Set(taken.slice(1).map((name, i) => `${taken[i]}\u0000${name}`));
  const stateOf = (id: string): NodeState => {
    if (id === current) return 'current';
    if (id === START && taken.length > 0) return 'taken';
    return enteredSet.has(id) ? 'taken' : 'not-taken';
  };
  const nodes: LaidOutNode[] = graph.nodes().map((id) => {
    const node = graph.node(id) as { x: number; y: number; width: number; height: number; type: string };
    return { id, type: node.type, x: node.x, y: node.y, width: node.width, height: node.height, state: stateOf(id), container: parents.has(id) };
  });
  const laidEdges: LaidOutEdge[] = graph.edges().map((e) => {
    const edge = edges[Number(e.name)];
    const wasTaken = (edge.from === START && taken[0] === edge.to) || followed.has(`${edge.from}\u0000${edge.to}`);
    return { from: edge.from, to: edge.to, on: edge.on, points: (graph.edge(e) as { points: Array<{ x: number; y: number }> }).points, taken: wasTaken };
  });
  const { width = 0, height = 0 } = graph.graph() as { width?: number; height?: number };
  return { width, height, nodes, edges: laidEdges };
}
