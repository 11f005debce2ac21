/**
 * A start-up refusal that names the setting at fault: the entry points print it as one line
 * (`start-up refused: KEY: why`) and exit with code 2, without a stack trace.
 */
export class StartupError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = 'StartupError';
  }

  get line(): string {
    return `start-up refused: ${this.key}: ${this.message}`;
  }
}
