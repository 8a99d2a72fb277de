/**
 * A work queue like client-go's: keys are de-duplicated (a key added while queued is queued once;
 * a key added while being processed is processed again afterwards), and failures are retried with
 * per-key exponential back-off counted on the simulated clock (5 ms doubling to 1000 s).
 */
import type { Clock, Timer } from '../clock';

const BASE_DELAY_MS = 5;
const MAX_DELAY_MS = 1_000_000;

export class WorkQueue {
  private readonly queue: string[] = [];
  private head = 0;
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, Timer>();

  constructor(
    private readonly clock: Clock,
    private readonly onReady: () => void,
  ) {}

  get length(): number {
    return this.queue.length - this.head;
  }

  add(key: string): void {
    if (this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.onReady();
  }

  /** Add after `ms` of simulated time (an earlier pending add for the key wins). */
  addAfter(key: string, ms: number): void {
    if (ms <= 0) return this.add(key);
    const existing = this.delayed.get(key);
    const at = this.clock.now + ms;
    if (existing && existing.at <= at) return;
    existing?.cancel();
    this.delayed.set(
      key,
      this.clock.at(at, () => {
        this.delayed.delete(key);
        this.add(key);
      }),
    );
  }

  /** Retry a failed key after its back-off. */
  addRateLimited(key: string): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.addAfter(key, Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** n));
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  get(): string | undefined {
    if (this.head >= this.queue.length) return undefined;
    const key = this.queue[this.head++];
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.processing.add(key);
    this.dirty.delete(key);
    return key;
  }

  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.queue.push(key);
      this.onReady();
    }
  }
}
