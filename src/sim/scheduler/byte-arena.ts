/**
 * Where attempts keep their verdicts and scores (framework.ts, Attempt.verdicts): a few kilobytes
 * each, written straight into big shared chunks at an offset. One buffer per attempt cost an
 * ArrayBuffer allocation and a copy per cycle (10,000 in a big scale-up), and even a `subarray`
 * view per attempt is an object V8 builds slowly. A chunk is freed once no kept attempt uses it,
 * so chunks stay modest to let old records go.
 */
const CHUNK_BYTES = 128 * 1024;

export class ByteArena {
  private chunk = new Int8Array(0);
  private used = 0;
  /** Where the reserved bytes start in the array `reserve` returned. */
  offset = 0;

  /**
   * Room for up to `n` bytes: the array to write them in, from `offset`. Nothing is taken
   * until `commit`; reserving again before it gives the same room.
   */
  reserve(n: number): Int8Array {
    // An array too big to share a chunk gets its own buffer.
    if (n > CHUNK_BYTES / 4) {
      this.offset = 0;
      return new Int8Array(n);
    }
    if (this.used + n > this.chunk.length) {
      this.chunk = new Int8Array(CHUNK_BYTES);
      this.used = 0;
    }
    this.offset = this.used;
    return this.chunk;
  }

  /** Keep the first `n` reserved bytes (never written again). */
  commit(bytes: Int8Array, n: number): void {
    if (bytes === this.chunk) this.used = this.offset + n;
  }
}
