import { expect } from 'chai';
import { TailBuffer } from '../../../packages/rxproc/src/internal/io/tailBuffer.js';

describe('TailBuffer', () => {
  it('keeps everything below the limit', () => {
    const tail = new TailBuffer(10);
    tail.push(Buffer.from('abc'));
    tail.push(Buffer.from('def'));
    expect(tail.toString()).to.equal('abcdef');
  });

  it('keeps exactly the last `limit` bytes, whatever the chunking', () => {
    for (const size of [1, 3, 7, 64]) {
      const tail = new TailBuffer(100);
      const text = Array.from({ length: 500 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
      for (let i = 0; i < text.length; i += size) tail.push(Buffer.from(text.slice(i, i + size)));
      expect(tail.toString()).to.equal(text.slice(-100));
    }
  });

  it('does not start with half a UTF-8 character', () => {
    const tail = new TailBuffer(5);
    tail.push(Buffer.from('ééé')); // 6 bytes: the cut falls inside the first é
    expect(tail.toString()).to.equal('éé');
  });

  it('an empty tail is the empty string', () => {
    expect(new TailBuffer(8).toString()).to.equal('');
  });
});
