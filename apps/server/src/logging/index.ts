export { LogRecord, logRecord, logFields, formatLogLine, type LogFields } from './log-record.js';
export { PinoLogger, PINO_LEVELS, type PinoLoggerOptions } from './pino-logger.js';
export { createPinoLogging, pinoLevel, type PinoLogging, type PinoLoggingOptions } from './pino-logging.js';
