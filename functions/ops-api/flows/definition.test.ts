import { describe, expect, it } from 'vitest';
import { definitionGraph, type AslMachine } from './definition';

const cases: Array<{ name: string; definition: AslMachine; states: unknown[]; transitions: unknown[] }> = [
    {
      name: 'a straight line ends at its last state',
      definition: { StartAt: 'A', States: { A: { Type: 'Task', Next: 'B' }, B: { Type: 'Pass', End: true } } },
      states: [{ name: 'A', type: 'Task' }, { name: 'B', type: 'Pass', end: true }],
      transitions: [{ from: 'A', to: 'B', on: 'next' }],
    },
    {
      name: 'a choice has one edge per distinct target and its default; Succeed and Fail end',
      definition: {
        StartAt: 'C',
        States: {
          C: { Type: 'Choice', Choices: [{ Next: 'Yes' }, { Next: 'Yes' }], Default: 'No' },
          Yes: { Type: 'Succeed' },
          No: { Type: 'Fail' },
        },
      },
      states: [{ name: 'C', type: 'Choice' }, { name: 'Yes', type: 'Succeed', end: true }, { name: 'No', type: 'Fail', end: true }],
      transitions: [{ from: 'C', to: 'Yes', on: 'choice' }, { from: 'C', to: 'No', on: 'default' }],
    },
    {
      name: 'a catch is an edge named after the errors it catches',
      definition: { StartAt: 'Pay', States: { Pay: { Type: 'Task', End: true, Catch: [{ ErrorEquals: ['PaymentFailed'], Next: 'Hold' }] }, Hold: { Type: 'Pass', End: true } } },
      states: [{ name: 'Pay', type: 'Task', end: true }, { name: 'Hold', type: 'Pass', end: true }],
      transitions: [{ from: 'Pay', to: 'Hold', on: 'catch PaymentFailed' }],
    },
    {
      name: 'states inside a Parallel branch or a Map name their parent',
      definition: {
        StartAt: 'P',
        States: {
          P: { Type: 'Parallel', End: true, Branches: [{ StartAt: 'X', States: { X: { Type: 'Pass', End: true } } }] },
          M: { Type: 'Map', End: true, ItemProcessor: { StartAt: 'Y', States: { Y: { Type: 'Pass', End: true } } } },
        },
      },
      states: [
        { name: 'P', type: 'Parallel', end: true },
        { name: 'X', type: 'Pass', parent: 'P', end: true },
        { name: 'M', type: 'Map', end: true },
        { name: 'Y', type: 'Pass', parent: 'M', end: true },
      ],
      transitions: [],
    },
];

describe('definitionGraph', () => {
  it.each(cases)('$name', ({ definition, states, transitions }) => {
    const graph = definitionGraph('f', definition);
    expect(graph.startAt).toBe(definition.StartAt);
    expect(graph.states).toEqual(states);
    expect(graph.transitions).toEqual(transitions);
  });
});
