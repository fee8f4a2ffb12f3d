import cliProgress from 'cli-progress';

/** What a long job reports as it goes: `done` of `total` items in its current phase (total unknown: undefined). */
export interface ProgressEvent {
  phase: string;
  done: number;
  total?: number;
}
export type ProgressReport = (event: ProgressEvent) => void;

export interface ProgressReporter {
  report: ProgressReport;
  /** Ends the bar (or the lines) and writes the final summary line with the elapsed time. */
  finish(summary?: string): void;
  /** Ends the bar without a summary (the job failed); safe to call after finish. */
  stop(): void;
}

export interface ProgressOptions {
  /** A bar that redraws itself (a TTY); otherwise one line at each tenth of a phase and at least every `intervalMs`. */
  tty: boolean;
  /** Where progress lines go (non-TTY). */
  write: (line: string) => void;
  /** Where the final summary goes (default: write). */
  writeSummary?: (line: string) => void;
  /** The stream the TTY bar draws on. */
  stream?: NodeJS.WritableStream;
  intervalMs?: number;
  now?: () => number;
}

const STEPS = 10;

/**
 * Progress of a CLI job: cli-progress's bar on a TTY; plain periodic lines otherwise (PM2, cron, CI logs get no
 * control characters); a final summary either way.
 */
export function createProgressReporter(label: string, options: ProgressOptions): ProgressReporter {
  const now = options.now ?? Date.now;
  const started = now();
  const intervalMs = options.intervalMs ?? 5000;
  let phase: string | undefined;
  let bar: cliProgress.SingleBar | undefined;
  let lastLineAt = 0;
  let lastStep = -1;

  const describe = (event: ProgressEvent) =>
    event.total === undefined
      ? `${label} ${event.phase}: ${event.done}`
      : `${label} ${event.phase}: ${event.done}/${event.total} (${event.total === 0 ? 100 : Math.floor((event.done / event.total) * 100)}%)`;

  const reportTty = (event: ProgressEvent) => {
    if (event.phase !== phase) {
      bar?.stop();
      bar = new cliProgress.SingleBar(
        { format: `${label} ${event.phase} [{bar}] {value}/{total} {percentage}% | {duration_formatted}`, stream: options.stream ?? process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(event.total ?? 0, event.done);
      phase = event.phase;
    }
    if (event.total !== undefined) bar?.setTotal(event.total);
    bar?.update(event.done);
  };

  const reportLines = (event: ProgressEvent) => {
    const newPhase = event.phase !== phase;
    if (newPhase) {
      phase = event.phase;
      lastStep = -1;
    }
    const step = event.total ? Math.floor((event.done / event.total) * STEPS) : event.total === 0 ? STEPS : -1;
    const due = now() - lastLineAt >= intervalMs;
    if (newPhase || step > lastStep || due) {
      options.write(describe(event));
      lastLineAt = now();
      lastStep = Math.max(lastStep, step);
    }
  };

  return {
    report(event) {
      if (options.tty) reportTty(event);
      else reportLines(event);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
    finish(summary) {
      bar?.stop();
      bar = undefined;
      const seconds = ((now() - started) / 1000).toFixed(1);
      (options.writeSummary ?? options.write)(`${label}: ${summary ? `${summary}, ` : ''}done in ${seconds}s`);
    },
  };
}
