/**
 * Gaps waited on, process-wide. Across processes events may arrive out of order, so a gap in a room's seqs is
 * usually filled a moment later by the late event itself; a gap that lasts `GAP_WAIT_MS` is a lost message (Redis
 * pub/sub is at most once) and is filled from the event log — in a quiet room too, where no later event would show
 * it. One timer for every waiting subscription in the process, running only while one waits.
 */
export interface GapHolder {
  /** When its gap appeared (ms); it is asked to fill it once that is long enough ago. */
  readonly gapSince: number;
  fillGap(): void;
}

/** How long a gap may last before the log is read for it. */
export const GAP_WAIT_MS = 400;
const SWEEP_MS = 200;

const waiting = new Set<GapHolder>();
let timer: NodeJS.Timeout | undefined;

function sweep(): void {
  const due = Date.now() - GAP_WAIT_MS;
  for (const holder of waiting) {
    if (holder.gapSince > due) continue;
    waiting.delete(holder);
    holder.fillGap();
  }
  if (waiting.size === 0) {
    clearInterval(timer);
    timer = undefined;
  }
}

export function watchGap(holder: GapHolder): void {
  waiting.add(holder);
  if (!timer) {
    timer = setInterval(sweep, SWEEP_MS);
    timer.unref();
  }
}

export function unwatchGap(holder: GapHolder): void {
  waiting.delete(holder);
}
