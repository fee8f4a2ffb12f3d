import type { Config } from '../../config/index.js';
import type { Child } from './processes.js';
import type { Seeded } from './seed.js';

export interface BenchContext {
  api: Child;
  baseline: Child;
  config: Config;
  seeded: Seeded;
  /** seconds per autocannon run */
  duration: number;
  rounds: number;
  nodeBinary: string;
  log(text: string): void;
}

/** One line of the table: a measured figure next to its target. */
export interface Row {
  id: string;
  what: string;
  value: string;
  target: string;
  /** null when there is no target (a figure reported for information) */
  pass: boolean | null;
  detail?: string;
}

export const ratio = (value: number) => `${value.toFixed(2)}×`;
export const ms = (value: number) => `${value.toFixed(1)} ms`;
export const perSecond = (value: number) => `${value.toFixed(0)}/s`;
