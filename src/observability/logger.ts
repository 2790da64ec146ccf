// Structured JSON logs (pino) behind Nest's LoggerService.
import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

export function createRootLogger(level: string): Logger {
  return pino({ level, base: { service: 'txmsg' }, timestamp: pino.stdTimeFunctions.isoTime });
}

export class PinoLoggerService implements LoggerService {
  constructor(private readonly root: Logger) {}

  log(message: unknown, ...rest: unknown[]) {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.write('fatal', message, rest);
  }

  /** Nest passes the context (logger name) as the last string argument. */
  private write(
    level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal',
    message: unknown,
    rest: unknown[],
  ) {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const stack = level === 'error' && typeof rest[0] === 'string' && rest.length > 1 ? rest[0] : undefined;
    if (message !== null && typeof message === 'object') {
      this.root[level]({ context, stack, ...(message as object) });
    } else {
      this.root[level]({ context, stack }, String(message));
    }
  }
}
