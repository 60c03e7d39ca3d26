import type { FlowDefinition } from '../schemas';

type AslState = {
  Type?: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: Array<{ Next?: string }>;
  Catch?: Array<{ Next?: string; ErrorEquals?: string[] }>;
  Branches?: AslMachine[];
  ItemProcessor?: AslMachine;
  Iterator?: AslMachine;
};
export type AslMachine = { StartAt?: string; States?: Record<string, AslState> };

/**
 * A state machine's definition as a graph the console can lay out: every state (those inside a
 * Parallel branch or a Map's processor name their parent) and every transition, labelled with
 * what takes it. States that end the flow point to no edge; `endStates` lists them.
 */
export function definitionGraph(flow: string, definition: AslMachine): FlowDefinition {
  const states: FlowDefinition['states'] = [];
  const transitions: FlowDefinition['transitions'] = [];
  const visit = (machine: AslMachine, parent: string | undefined) => {
    for (const [name, state] of Object.entries(machine.States ?? {})) {
      const type = state.Type ?? 'Task';
      const terminal = state.End === true || type === 'Succeed' || type === 'Fail';
      states.push({ name, type, ...(parent ? { parent } : {}), ...(terminal ? { end: true } : {}) });
      if (state.Next) transitions.push({ from: name, to: state.Next, on: 'next' });
      for (const choice of state.Choices ?? []) if (choice.Next) transitions.push({ from: name, to: choice.Next, on: 'choice' });
      if (state.Default) transitions.push({ from: name, to: state.Default, on: 'default' });
      for (const handler of state.Catch ?? []) {
        if (handler.Next) transitions.push({ from: name, to: handler.Next, on: `catch ${(handler.ErrorEquals ?? []).join(', ')}`.trim() });
      }
      for (const branch of state.Branches ?? []) visit(branch, name);
      const processor = state.ItemProcessor ?? state.Iterator;
      if (processor) visit(processor, name);
    }
  };
  visit(definition, undefined);
  // The same transition listed twice (a Choice whose rules share a target) is drawn once.
  const unique = [...new Map(transitions.map((t) => [`${t.from}\u0000${t.to}\u0000${t.on}`, t])).values()];
  return { flow, startAt: definition.StartAt ?? '', states, transitions: unique };
}
