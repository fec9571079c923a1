/** A table of one section. */
export interface Table {
  readonly caption?: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
}

/** One goal of the issue and how this run measured against it. */
export interface GoalResult {
  readonly goal: string;
  readonly measured: string;
  /** null: reported, not judged. */
  readonly pass: boolean | null;
}

/** A gross-regression check of the quick mode: judged by a ratio, never by an absolute time. */
export interface RegressionCheck {
  readonly check: string;
  readonly ratio: number;
  /** Fails when the ratio is above this. */
  readonly limit: number;
}

/** What one section measured. */
export interface SectionResult {
  readonly title: string;
  /** What was measured and how, in a few sentences. */
  readonly method: string;
  readonly tables: readonly Table[];
  readonly goals: readonly GoalResult[];
  readonly checks: readonly RegressionCheck[];
  readonly notes?: readonly string[];
}

/** Options every section gets. */
export interface BenchOptions {
  /** The reduced CI suite. */
  readonly quick: boolean;
  /** Runs per measurement (medians are taken over them). */
  readonly runs: number;
  /** Repository root. */
  readonly root: string;
  /** Scratch folder for generated workflows and Makefiles. */
  readonly scratch: string;
  /** Progress lines go here (stderr). */
  log(line: string): void;
}

export const failed = (check: RegressionCheck): boolean => !(check.ratio <= check.limit);
