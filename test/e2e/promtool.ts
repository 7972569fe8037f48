import { spawn } from 'node:child_process';

export interface PromtoolResult {
  code: number | null;
  /** Its findings: lint problems and parse errors (stdout and stderr together). */
  output: string;
}

/** `promtool check metrics`: parses an exposition on stdin and lints it as Prometheus does. */
export function promtoolCheckMetrics(exposition: string): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(exposition);
  });
}

/** Is `promtool` (Debian's `prometheus` package) on PATH? */
export async function promtoolAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('promtool', ['--version'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}
