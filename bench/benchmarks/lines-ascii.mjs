// The best case of every decoder: one 80-byte ASCII line, repeated, read through `cat`, split and counted.
import { linesFile } from '../lib/data.mjs';
import { lineReaders } from '../lib/lineReaders.mjs';

export default {
  name: 'lines-ascii',
  title: 'lines: one 80-byte ASCII line repeated, through `cat`, split and counted',
  unit: 'lines/s',
  baseline: 'node:readline',
  reference: 'TextDecoder splitter',
  params: { mb: 200 },
  prepare: ({ mb }) => linesFile(mb),
  impls: lineReaders,
};
