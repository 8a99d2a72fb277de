/**
 * Small byte arrays carved out of shared chunks. Each scheduling attempt keeps its verdicts and
 * scores in a few kilobytes (framework.ts, Attempt.verdicts); copying them into a fresh buffer
 * every cycle cost an ArrayBuffer allocation per attempt (10,000 in a big scale-up) and left the
 * garbage collector that many buffers to track. Here a view is a `subarray` of a chunk: a chunk
 * is freed once no attempt viewing it is kept, so chunks stay modest to let old records go.
 */
const CHUNK_BYTES = 64 * 1024;

export class ByteArena {
  private chunk = new Int8Array(0);
  private used = 0;

  /** A copy of the first `n` bytes of `src`, never changed afterwards. */
  copy(src: Int8Array, n: number): Int8Array {
    // An array too big to share a chunk gets its own buffer.
    if (n > CHUNK_BYTES / 4) return src.slice(0, n);
    if (this.used + n > this.chunk.length) {
      this.chunk = new Int8Array(CHUNK_BYTES);
      this.used = 0;
    }
    const at = this.used;
    this.used += n;
    const view = this.chunk.subarray(at, at + n);
    view.set(n === src.length ? src : src.subarray(0, n));
    return view;
  }
}
