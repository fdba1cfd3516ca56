/**
 * Every error oobd raises on purpose carries one of these codes. A code is never
 * reused for another meaning; tests assert on `err.code`, never on the message.
 * Messages name the file, key, rule or address a person has to fix.
 */
export const ErrorCode = {
  /** A config file (oobd.toml, listener_domains.toml) has a bad key or value. */
  ConfigInvalid: 'OOBD_CONFIG_INVALID',
  /** A config or rules file could not be read or is not valid TOML/JSON/JSON5. */
  FileUnreadable: 'OOBD_FILE_UNREADABLE',
  /** A rules file has a bad label, pattern list or regular expression. */
  RuleInvalid: 'OOBD_RULE_INVALID',
  /** Writing a log record failed (disk full, permissions, closed writer). */
  LogWriteFailed: 'OOBD_LOG_WRITE_FAILED',
  /** The in-process queue is at `back_pressure`; the client is told to retry. */
  QueueFull: 'OOBD_QUEUE_FULL',
  /** Redis could not take the job (down, read-only, timeout). */
  QueueUnavailable: 'OOBD_QUEUE_UNAVAILABLE',
  /** Redis is older than required or misconfigured. */
  RedisUnsupported: 'OOBD_REDIS_UNSUPPORTED',
  /** Relaying a message to its routing_domain failed. */
  RelayFailed: 'OOBD_RELAY_FAILED',
  /** A message could not be processed at all (a bug or hostile input); it is quarantined. */
  ProcessingFailed: 'OOBD_PROCESSING_FAILED',
  /** The server is shutting down and takes no new work. */
  ShuttingDown: 'OOBD_SHUTTING_DOWN',
  /** A hook's checkpoint or lock file is damaged or cannot be written. */
  HookStateInvalid: 'OOBD_HOOK_STATE_INVALID',
  /** A hook endpoint refused a batch (`oobd hooks replay`). */
  HookDeliveryFailed: 'OOBD_HOOK_DELIVERY_FAILED',
  /** A configured listener (smtp.listen, http.listen) could not be bound: in use, no permission. */
  ListenFailed: 'OOBD_LISTEN_FAILED',
  /** A command-line argument is wrong. */
  UsageError: 'OOBD_USAGE',
  /** The subcommand exists in the design but is not built yet. */
  NotImplemented: 'OOBD_NOT_IMPLEMENTED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class OobdError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OobdError';
    this.code = code;
  }
}

export function isOobdError(err: unknown, code?: ErrorCode): err is OobdError {
  return err instanceof OobdError && (code === undefined || err.code === code);
}

/** The message of anything thrown, for logs. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
