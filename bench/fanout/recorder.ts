/**
 * Counts what one subscriber receives: every (subscriber, event) pair is checked against the seq it must be (the
 * next one), so a lost, doubled or reordered delivery is counted, never silently averaged away.
 */
export class Recorder {
  /** The seq this subscriber expects next. */
  private next: number;
  received = 0;
  frames = 0;
  lost = 0;
  doubled = 0;
  reordered = 0;

  constructor(
    firstSeq: number,
    /** Shared by all subscribers of a run: one latency (ms) per delivery of the measured phase. */
    private readonly latencies: number[],
    private readonly measureFrom: () => number,
  ) {
    this.next = firstSeq;
  }

  event(seq: number, sentAt: number, now: number): void {
    if (seq === this.next) {
      this.next++;
      this.received++;
      if (seq >= this.measureFrom()) this.latencies.push(now - sentAt);
    } else if (seq < this.next) {
      this.doubled++;
    } else {
      // A gap: what was skipped is lost unless it arrives later (then it counts as reordered, not lost).
      this.lost += seq - this.next;
      this.next = seq + 1;
      this.received++;
      this.reordered++;
    }
  }

  get lastSeq(): number {
    return this.next - 1;
  }
}
