import { expect } from 'chai';
import fc from 'fast-check';
import { cmd$, ProcessObservable, spawn$, type CmdValue, type SpawnOptions } from '../packages/rxproc/src/index.js';

/** Prints the arguments it receives, as JSON. */
const node = process.execPath;
const printArgs = 'process.stdout.write(JSON.stringify(process.argv.slice(1)))';
const argsSeen = async (process$: ProcessObservable): Promise<string[]> => JSON.parse(await process$.text()) as string[];

describe('cmd$', () => {
  describe('splits the template into a command and arguments', () => {
    it('is spawn$ of the words: the text split on whitespace, each ${} one argument', () => {
      const n = 5;
      const log$ = cmd$`git log --oneline -n ${n}`;
      expect(log$).to.be.instanceOf(ProcessObservable);
      expect(log$.command).to.equal('git');
      expect(log$.args).to.deep.equal(['log', '--oneline', '-n', '5']);
      expect(log$.options).to.deep.equal(spawn$('git').options);
    });

    it('the spawned process receives each ${} as exactly one argument, spaces, quotes and globs included', async () => {
      const tricky = ['a b', '"q"', "it's", '*', '$HOME', '; rm -rf /', '', '-', 'tab\there', 'line\nbreak', 'ünï ☃'];
      expect(await argsSeen(cmd$`${node} -e ${printArgs} ${tricky[0]!} ${tricky}`)).to.deep.equal([tricky[0], ...tricky]);
    });

    it('any whitespace separates words (spaces, tabs, newlines), leading and trailing whitespace is ignored', () => {
      const multi$ = cmd$`
        ls\t-l
          -a    ${'x'}
      `;
      expect([multi$.command, ...multi$.args]).to.deep.equal(['ls', '-l', '-a', 'x']);
    });

    it('a ${} glued to text or to another ${} joins that word', () => {
      const n = 3;
      const dir = 'my dir';
      const glued$ = cmd$`head --lines=${n} ${dir}/${'a b'}.txt x${''}y ${'p'}${1}${'q'}`;
      expect(glued$.args).to.deep.equal(['--lines=3', 'my dir/a b.txt', 'xy', 'p1q']);
    });

    it('an empty string alone is one empty argument; an empty array alone is none', async () => {
      expect(cmd$`echo ${''} a`.args).to.deep.equal(['', 'a']);
      expect(cmd$`echo ${[]} a ${[]}`.args).to.deep.equal(['a']);
      expect(await argsSeen(cmd$`${node} -e ${printArgs} ${''} ${[]}`)).to.deep.equal(['']);
    });

    it('an array gives one argument per element; numbers become String(n)', () => {
      expect(cmd$`wc -l ${['a b', 'c']} ${[1, 2.5, -0]}`.args).to.deep.equal(['-l', 'a b', 'c', '1', '2.5', '0']);
    });

    it('the command may come from a ${}', () => {
      expect(cmd$`${node} --version`.command).to.equal(node);
    });

    it('quotes, backslashes and $ in the text are literal characters, never shell syntax', async () => {
      // The text is JavaScript's (its escapes are JavaScript's): `\\ ` is a backslash, then a space.
      expect(await argsSeen(cmd$`${node} -e ${printArgs} "a b" 'c' a\\ b $HOME *`)).to.deep.equal(['"a', 'b"', "'c'", 'a\\', 'b', '$HOME', '*']);
    });

    it('no shell is involved: a ${} holding shell syntax reaches the program as it is', async () => {
      expect(await cmd$`echo ${'$(id) `id` | cat > /dev/null'}`.text()).to.equal('$(id) `id` | cat > /dev/null');
    });

    it('property: any strings interpolated reach the process exactly, alone, glued and in arrays', async () => {
      const argument = fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !s.includes('\0'));
      await fc.assert(
        fc.asyncProperty(argument, fc.array(argument, { maxLength: 5 }), argument, async (alone, array, glued) => {
          const seen = await argsSeen(cmd$`${node} -e ${printArgs} ${alone} ${array} --x=${glued}`);
          expect(seen).to.deep.equal([alone, ...array, `--x=${glued}`]);
        }),
        { numRuns: 40 },
      );
    });
  });

  describe('options: cmd$(options)`…`', () => {
    it('runs with spawn$ options', async () => {
      expect(await cmd$({ cwd: '/' })`pwd`.text()).to.equal('/');
      const tag = cmd$({ env: { ...process.env, RXPROC_CMD: 'yes' }, successExitCodes: [0, 3] });
      expect(await tag`sh -c ${'echo $RXPROC_CMD; exit 3'}`.text()).to.equal('yes');
      expect(tag`true`.options.successExitCodes).to.deep.equal([0, 3]);
    });

    it('checks the options at call time: a TypeError naming cmd$', () => {
      expect(() => cmd$({ timeout: -1 })).to.throw(TypeError, /cmd\$.*timeout/);
      expect(() => cmd$({ bogus: 1 } as SpawnOptions)).to.throw(TypeError, /cmd\$/);
    });
  });

  describe('bad input: a TypeError at call time, nothing spawned', () => {
    const bad: Array<[string, unknown]> = [
      ['an object', { a: 1 }],
      ['undefined', undefined],
      ['null', null],
      ['a function', () => 1],
      ['a symbol', Symbol('s')],
      ['a boolean', true],
      ['a bigint', 1n],
      ['NaN', NaN],
      ['Infinity', Infinity],
    ];
    for (const [what, value] of bad) {
      it(`${what} in a \${} (the message names which one)`, () => {
        expect(() => cmd$`echo a ${'ok'} ${value as CmdValue}`).to.throw(TypeError, /cmd\$: the value of \$\{\} number 2 must be a string/);
      });
    }

    it('a bad element of an array (the message names it)', () => {
      expect(() => cmd$`echo ${['a', undefined as unknown as string]}`).to.throw(TypeError, /element 1 of the value of \$\{\} number 1/);
    });

    it('an array glued to text or to another ${}', () => {
      expect(() => cmd$`echo x${['a']}`).to.throw(TypeError, /array glued/);
      expect(() => cmd$`echo ${['a']}y`).to.throw(TypeError, /array glued/);
      expect(() => cmd$`echo ${['a']}${'b'}`).to.throw(TypeError, /array glued/);
      expect(() => cmd$`echo ${'b'}${['a']}`).to.throw(TypeError, /array glued/);
    });

    it('no command: an empty or blank template, an empty array, an empty command', () => {
      expect(() => cmd$``).to.throw(TypeError, /no command/);
      expect(() => cmd$`  \n `).to.throw(TypeError, /no command/);
      expect(() => cmd$`${[]}`).to.throw(TypeError, /no command/);
      expect(() => cmd$`${''} a`).to.throw(TypeError, /cmd\$: the command must be a non-empty string/);
    });

    it('called as a function instead of a tag', () => {
      const untyped = cmd$ as unknown as (...args: unknown[]) => unknown;
      expect(() => untyped('ls -l')).to.throw(TypeError, /as a tag/);
      expect(() => untyped(['ls'])).to.throw(TypeError, /as a tag/);
      expect(() => untyped({}, 'x')).to.throw(TypeError, /as a tag/);
      expect(() => untyped()).to.throw(TypeError, /as a tag/);
      expect(() => (cmd$({}) as unknown as (s: string) => unknown)('ls')).to.throw(TypeError, /as a tag/);
    });
  });
});
