/** One app log line as pino wrote it (JSON format). */
export interface LogEntry {
  level: 'error' | 'warn' | 'info' | 'debug';
  time: string;
  pid: number;
  msg: string;
  requestId?: string;
  [field: string]: unknown;
}

/** The app logger's lines among captured output, parsed; access-log lines (plain text) are skipped. */
export function appLogEntries(lines: string[]): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    entries.push(JSON.parse(line) as LogEntry);
  }
  return entries;
}
