// Exit codes of the contract: 0 success, 1 findings at deny level or a failed check, 2 bad usage or
// bad input. A UsageError carries the one clear stderr line.

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_BAD_INPUT = 2;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
