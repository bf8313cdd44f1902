import { expect } from 'chai';
import { checkGraph, dependenciesOf, stopWaves } from '../../packages/cli/src/taskGraph.js';
import type { TaskFile } from '../../packages/cli/src/schema.js';

const file = (tasks: Record<string, unknown>, until?: string): TaskFile => ({ tasks, until }) as TaskFile;

describe('taskGraph', () => {
  it('normalises dependsOn: a list means ready, a map names the condition', () => {
    expect([...dependenciesOf({ sh: 'x', dependsOn: ['a', 'b'] })]).to.deep.equal([
      ['a', 'ready'],
      ['b', 'ready'],
    ]);
    expect([...dependenciesOf({ sh: 'x', dependsOn: { a: 'completed' } } as never)]).to.deep.equal([['a', 'completed']]);
    expect(dependenciesOf({ sh: 'x' }).size).to.equal(0);
  });

  it('names a cycle in full, and an unknown task', () => {
    expect(checkGraph(file({ a: { dependsOn: ['b'] }, b: { dependsOn: ['a'] } }))[0]?.message).to.equal('dependsOn has a cycle: a → b → a');
    expect(checkGraph(file({ a: { dependsOn: ['a'] } }))[0]?.message).to.equal('dependsOn has a cycle: a → a');
    expect(checkGraph(file({ a: { dependsOn: ['zz'] } }))).to.deep.equal([{ path: ['tasks', 'a', 'dependsOn'], message: 'no task named "zz" (tasks: a)' }]);
    expect(checkGraph(file({ a: {} }, 'b'))[0]?.path).to.deep.equal(['until']);
    expect(checkGraph(file({ a: {}, b: { dependsOn: { a: 'completed' } } }, 'b'))).to.deep.equal([]);
  });

  it('stops dependents before what they depend on, in waves', () => {
    const tasks = { db: {}, cache: {}, api: { dependsOn: ['db', 'cache'] }, web: { dependsOn: ['api'] }, e2e: { dependsOn: ['web', 'db'] } };
    expect(stopWaves(file(tasks))).to.deep.equal([['e2e'], ['web'], ['api'], ['db', 'cache']]);
  });
});
