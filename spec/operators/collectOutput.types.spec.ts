// Type-level spec: this file must compile (ts-node and `tsc --noEmit` check it); the @ts-expect-error lines
// must be errors. At run time it only checks that the calls are accepted.
import { expect } from 'chai';
import type { OperatorFunction } from 'rxjs';
import {
  collectOutput,
  lines,
  type ChunkOrEvent,
  type CollectedOutput,
  type LinesOptions,
  type ProcessEvent,
  type RestartEvent,
} from '../../packages/rxproc/src/index.js';

type Source = ProcessEvent | Pick<RestartEvent, 'type'>;
/** `true` only when A and B are the same type. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const same = <A, B>(verdict: Same<A, B>): Same<A, B> => verdict;

describe('collectOutput and lines: types', () => {
  it('follow the encoding, including a union-typed variable', () => {
    const pick = (raw: boolean): 'utf8' | 'buffer' => (raw ? 'buffer' : 'utf8');
    const encoding = pick(Math.random() > 2);
    same<ReturnType<typeof collectOutput<'utf8' | 'buffer', false>>, OperatorFunction<Source, CollectedOutput<string | Buffer>>>(true);
    const union = collectOutput({ encoding });
    const text = collectOutput();
    const bytes = collectOutput({ encoding: 'buffer' });
    const hex = collectOutput({ encoding: 'hex', maxBuffer: 10 });
    same<typeof union, OperatorFunction<Source, CollectedOutput<string | Buffer>>>(true);
    same<typeof text, OperatorFunction<Source, CollectedOutput<string>>>(true);
    same<typeof bytes, OperatorFunction<Source, CollectedOutput<Buffer>>>(true);
    same<typeof hex, OperatorFunction<Source, CollectedOutput<string>>>(true);
    const all = collectOutput({ all: true, encoding: 'buffer' });
    same<typeof all, OperatorFunction<Source, CollectedOutput<Buffer> & { readonly all: Buffer }>>(true);
    same<ReturnType<typeof lines<'buffer'>>, OperatorFunction<ChunkOrEvent, Buffer>>(true);
    const textLines = lines({ stream: 'all', encoding: 'latin1' });
    // A variable typed with the plain LinesOptions (as before encodings) still gives strings.
    const options: LinesOptions = { stream: 'stderr' };
    const plainLines = lines(options);
    same<typeof plainLines, OperatorFunction<ChunkOrEvent, string>>(true);
    same<typeof textLines, OperatorFunction<ChunkOrEvent, string>>(true);
    // @ts-expect-error: not one of Node's text encodings that rxproc accepts.
    expect(() => collectOutput({ encoding: 'utf-8' })).to.throw(TypeError);
    // @ts-expect-error: the old default result type is not the union's.
    same<typeof union, OperatorFunction<Source, CollectedOutput<string>>>(true);
    for (const operator of [union, text, bytes, hex, all, textLines, plainLines]) expect(operator).to.be.a('function');
  });
});
