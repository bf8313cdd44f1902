import { expect } from 'chai';
import fc from 'fast-check';
import { from } from 'rxjs';
import { collectOutput, OutputLimitError, spawn$, type ProcessEvent } from '../../packages/rxproc/src/index.js';
import { cutAt } from '../support/chunkCuts.js';
import { outcome } from '../support/outcome.js';

const ENCODINGS = ['utf8', 'utf16le', 'latin1', 'ascii', 'base64', 'base64url', 'hex'] as const;
const exit = { type: 'exit', pid: 7, exitCode: 0, signal: null, durationMs: 1 } as const;
/** Bytes no encoding maps to plain ASCII: a multi-byte UTF-8 character, a surrogate pair, high bytes, NUL. */
const SAMPLE = Buffer.concat([Buffer.from('a€😀\n', 'utf8'), Buffer.from([0xff, 0x00, 0x80, 0x7f, 0x41])]);

describe('collectOutput: encodings', () => {
  for (const encoding of ENCODINGS) {
    it(`encoding: '${encoding}' decodes a real process's stdout and stderr as Node does`, async () => {
      const octal = [...SAMPLE].map((byte) => `\\${byte.toString(8).padStart(3, '0')}`).join('');
      const { events, error } = await outcome(spawn$('sh', ['-c', `printf '${octal}'; printf '${octal}' >&2`]).pipe(collectOutput({ encoding })));
      expect(error).to.equal(undefined);
      expect(events[0]).to.include({ stdout: SAMPLE.toString(encoding), stderr: SAMPLE.toString(encoding) });
    });
  }

  it('keeps a character, a UTF-16 unit and a base64 group whole however the chunks are cut (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.constantFrom(...ENCODINGS),
        async (bytes, offsets, encoding) => {
          const whole = Buffer.concat([SAMPLE, Buffer.from(bytes)]);
          const chunks = cutAt(whole, offsets).map((data): ProcessEvent => ({ type: 'stdout', data }));
          const { events } = await outcome(from([...chunks, exit]).pipe(collectOutput({ encoding })));
          expect(events[0]!.stdout).to.equal(whole.toString(encoding));
        },
      ),
    );
  });

  it('an encoding variable of a union type is accepted, and the result follows it at run time', async () => {
    const pick = (raw: boolean): 'utf8' | 'buffer' => (raw ? 'buffer' : 'utf8');
    for (const encoding of [pick(true), pick(false)]) {
      const { events } = await outcome(spawn$('printf', ['hi']).pipe(collectOutput({ encoding })));
      const stdout: string | Buffer = events[0]!.stdout;
      expect(stdout).to.deep.equal(encoding === 'buffer' ? Buffer.from('hi') : 'hi');
    }
  });

  it("an OutputLimitError's output stops at the limit, leaving out a character the limit cuts", async () => {
    const { error } = await outcome(spawn$('printf', ['€€']).pipe(collectOutput({ maxBuffer: 4 })));
    expect(error).to.be.instanceOf(OutputLimitError);
    expect((error as OutputLimitError).output).to.deep.equal({ stdout: '€', stderr: '' });
    const bytes = await outcome(spawn$('printf', ['€€']).pipe(collectOutput({ maxBuffer: 4, encoding: 'hex' })));
    expect((bytes.error as OutputLimitError).output).to.deep.equal({ stdout: 'e282ace2', stderr: '' });
  });

  it('refuses an unknown encoding and a non-boolean all when called', () => {
    for (const bad of ['utf-8', 'binary', 'ucs2', 'UTF8', '', 42, null]) {
      expect(() => collectOutput({ encoding: bad as never })).to.throw(
        TypeError,
        /collectOutput: option "encoding" must be 'buffer' or one of 'utf8', 'utf16le'/,
      );
    }
    for (const bad of ['yes', 1, null]) {
      expect(() => collectOutput({ all: bad as never })).to.throw(TypeError, /collectOutput: option "all" must be true or false/);
    }
  });
});
