/** The terminal a hidden prompt reads from and writes its question to. */
export interface PromptTerminal {
  input: NodeJS.ReadStream;
  output: NodeJS.WritableStream;
}

/**
 * Asks on a terminal without echoing the answer (a passphrase, an unseal key): raw mode,
 * one keystroke at a time, Backspace edits, Ctrl-C or Ctrl-D gives up. The answer never
 * reaches argv, the environment, the shell's history or the screen.
 */
export function hiddenPrompt(question: string, { input, output }: PromptTerminal): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    // Echo off before the question shows: whatever is typed once it is visible stays hidden.
    input.setRawMode(true);
    input.resume();
    output.write(question);
    const finish = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      output.write('\n');
      if (error) reject(error);
      else resolve(answer);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003' || char === '\u0004') return finish(new Error('prompt cancelled'));
        if (char === '\u007f' || char === '\b') answer = [...answer].slice(0, -1).join('');
        else if (char >= ' ') answer += char;
      }
    };
    input.on('data', onData);
  });
}
