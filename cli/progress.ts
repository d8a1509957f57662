// A one-line progress bar for long CLI runs on a terminal: listings per second and, when the input's size
// is known, how far through it the run is and when it will end. Drawn on stderr only, so what a command
// writes on stdout is the same whether or not anyone watches.

export interface ProgressState {
  /** Listings (or lines) handled so far. */
  items: number;
  /** Input bytes read so far, and the input's size when known (a file, or a file redirected to stdin). */
  bytes: number;
  totalBytes?: number;
  elapsedMs: number;
}

const count = new Intl.NumberFormat('en-US');

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The progress line, at most `columns` wide: "[███░░░]  42%  12,345 listings  98,765/s  ETA 0:12". */
export function renderProgress(state: ProgressState, columns = 80): string {
  const seconds = state.elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(state.items / seconds) : 0;
  const stats = `${count.format(state.items)} listings  ${count.format(rate)}/s`;
  if (!state.totalBytes) return stats.slice(0, columns);
  const fraction = Math.min(1, state.bytes / state.totalBytes);
  const bytesPerSecond = seconds > 0 ? state.bytes / seconds : 0;
  const eta =
    fraction >= 1
      ? 'ETA 0:00'
      : bytesPerSecond > 0
        ? `ETA ${formatDuration((state.totalBytes - state.bytes) / bytesPerSecond)}`
        : 'ETA --:--';
  const tail = ` ${String(Math.floor(fraction * 100)).padStart(3)}%  ${stats}  ${eta}`;
  const barWidth = Math.min(40, columns - tail.length - 2);
  if (barWidth < 5) return tail.trim().slice(0, columns);
  const filled = Math.floor(fraction * barWidth);
  return `[${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}]${tail}`;
}

export interface ProgressBar {
  /** Redraws when at least the interval has passed since the last frame. */
  update(state: Omit<ProgressState, 'elapsedMs'>): void;
  /** Erases the bar (before other output on the same stream, and at the end). */
  clear(): void;
}

export function progressBar(
  stream: { write(s: string): unknown; columns?: number },
  options: { intervalMs?: number; now?: () => number } = {},
): ProgressBar {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const interval = options.intervalMs ?? 100;
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(state) {
      const t = now();
      if (t - last < interval) return;
      last = t;
      drawn = true;
      // A pseudo-terminal may report no width: assume 80 columns then.
      const columns = stream.columns && stream.columns >= 20 ? stream.columns : 80;
      stream.write(`\r\x1b[K${renderProgress({ ...state, elapsedMs: t - started }, columns - 1)}`);
    },
    clear() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
