// Realistic text (varied line lengths, a line in 16 with multi-byte UTF-8, seeded) read through `cat`,
// split into lines and counted; every count must be exact. The ASCII best case is `lines-ascii`.
import { mixedLinesFile } from '../lib/data.mjs';
import { pick } from '../lib/lineReaders.mjs';

export default {
  name: 'lines',
  title: 'lines: realistic text (varied lengths, 1 line in 16 with multi-byte UTF-8) through `cat`, split and counted',
  unit: 'lines/s',
  baseline: 'node:readline',
  reference: 'TextDecoder splitter',
  params: { mb: 200 },
  prepare: ({ mb }) => mixedLinesFile(mb),
  // nano-spawn is left out here: 0.02× readline on the ASCII text, 20 s a round (see lines-ascii).
  impls: pick(
    'node:readline',
    'rxproc lines()',
    'Buffer indexOf splitter',
    'TextDecoder splitter',
    'execa lines',
    'spawn-rx + split',
    'tinyexec lines',
    'cat | wc -l',
  ),
};
