import { describe, expect, it } from 'vitest';
import { END, START, layoutFlow } from './graph';

const definition = {
  flow: 'refund',
  startAt: 'Assess',
  states: [
    { name: 'Assess', type: 'Task' },
    { name: 'Auto?', type: 'Choice' },
    { name: 'Approval', type: 'Task' },
    { name: 'Second approval', type: 'Task' },
    { name: 'Pay', type: 'Task', end: true },
    { name: 'Rejected', type: 'Succeed', end: true },
  ],
  transitions: [
    { from: 'Assess', to: 'Auto?', on: 'next' },
    { from: 'Auto?', to: 'Pay', on: 'choice' },
    { from: 'Auto?', to: 'Approval', on: 'default' },
    { from: 'Approval', to: 'Second approval', on: 'next' },
    { from: 'Approval', to: 'Rejected', on: 'catch Rejected' },
    { from: 'Second approval', to: 'Pay', on: 'next' },
  ],
};

describe('layoutFlow', () => {
  const graph = layoutFlow(definition, ['Assess', 'Auto?', 'Approval', 'Second approval'], 'Second approval');
  const node = (id: string) => graph.nodes.find((n) => n.id === id)!;

  it('draws every state once, with a start and an end, inside the drawing', () => {
    expect(graph.nodes.map((n) => n.id).sort()).toEqual([START, END, ...definition.states.map((s) => s.name)].sort());
    for (const n of graph.nodes) {
      expect(n.x - n.width / 2).toBeGreaterThanOrEqual(0);
      expect(n.y + n.height / 2).toBeLessThanOrEqual(graph.height);
    }
  });

  it('lays out top to bottom along the transitions, without overlapping nodes', () => {
    expect(node(START).y).toBeLessThan(node('Assess').y);
    expect(node('Assess').y).toBeLessThan(node('Approval').y);
    expect(node('Second approval').y).toBeLessThan(node('Pay').y);
    for (const a of graph.nodes) {
      for (const b of graph.nodes) {
        if (a === b) continue;
        const apart = Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
        expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
      }
    }
  });

  it('marks the current step, the steps taken and the transitions followed', () => {
    expect(node('Second approval').state).toBe('current');
    expect(node('Approval').state).toBe('taken');
    expect(node('Pay').state).toBe('not-taken');
    expect(node('Rejected').state).toBe('not-taken');
    const taken = graph.edges.filter((e) => e.taken).map((e) => `${e.from}>${e.to}`);
    expect(taken.sort()).toEqual([`${START}>Assess`, 'Approval>Second approval', 'Assess>Auto?', 'Auto?>Approval'].sort());
    expect(graph.edges.every((e) => e.points.length >= 2)).toBe(true);
  });
});
