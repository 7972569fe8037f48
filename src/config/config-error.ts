import { UsageError } from '../errors/keyturn-error.ts';

/** One thing wrong with the configuration, located in its file (line and column are 1-based). */
export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  /** Dotted path of the offending key, `secrets[2].mode`; empty for the document itself. */
  path: string;
  message: string;
}

/** Formats one problem as `file:line:column: path: message`, the form editors and CI link to. */
export function formatProblem(problem: ConfigProblem): string {
  const where = `${problem.file}:${problem.line}:${problem.column}`;
  return problem.path === ''
    ? `${where}: ${problem.message}`
    : `${where}: ${problem.path}: ${problem.message}`;
}

/** Every problem of a configuration at once (exit 64), so one edit-run cycle fixes them all. */
export class ConfigError extends UsageError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    const lines = problems.map((problem) => `  ${formatProblem(problem)}`);
    super([`invalid configuration (${count}):`, ...lines].join('\n'), {
      details: { problems: problems.length },
    });
    this.problems = problems;
  }
}
