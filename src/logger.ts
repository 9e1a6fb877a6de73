// Structured JSON logs (pino). Secrets never reach a log line: the redaction paths below are a
// second line of defence; the first is that credentials are never put into log objects.

import { pino } from 'pino';

export interface Logger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
  debug(object: object, message?: string): void;
  /** Lets hot paths skip building a log object no one will see (pino has it). */
  isLevelEnabled?(level: 'debug' | 'info'): boolean;
}

export function createLogger(level = 'info', destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    base: { app: 'pullguard' },
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'auth',
        '*.auth',
        'authorization',
        '*.authorization',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}

export const silentLogger: Logger = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  isLevelEnabled: () => false,
};
