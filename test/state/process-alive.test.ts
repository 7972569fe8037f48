import { spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../src/state/process-alive.ts';

describe('isProcessAlive', () => {
  it.each([
    ['this process', process.pid, true],
    ['pid 0', 0, false],
    ['a negative pid', -1, false],
    ['a reaped child', spawnSync(process.execPath, ['-e', '0']).pid ?? 0, false],
  ])('%s → %s', (_label, pid, alive) => {
    expect(isProcessAlive(pid)).toBe(alive);
  });

  it('a zombie (exited, not yet reaped) is not alive', async () => {
    // `sh -c 'sleep 0 & exec sleep 5'`: the backgrounded child exits and is never reaped by
    // `sleep`, which took over the shell's pid.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: 'pipe' });
    try {
      const zombie = Number(
        await new Promise<string>((resolve) => parent.stdout.once('data', resolve)),
      );
      const deadline = Date.now() + 5000;
      while ((await readFile(`/proc/${zombie}/stat`, 'utf8')).split(') ')[1]?.[0] !== 'Z') {
        if (Date.now() > deadline) throw new Error('no zombie appeared');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(isProcessAlive(zombie)).toBe(false);
      expect(isProcessAlive(parent.pid ?? 0)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
