// Building whole notices for report tests and reading back what oobd found in them.
import { parseMessage } from '../../src/report/index';

/** A notice with a null Return-Path, `headers` and `body` lines, CRLF line ends. */
export function notice(headers: string[], body: string[]): Buffer {
  return Buffer.from(['Return-Path: <>', ...headers, '', ...body, ''].join('\r\n'), 'latin1');
}

/**
 * [recipient, reply text] of each failed recipient; a finding without a recipient stands
 * for the one address its returned message went to (the pipeline's last resort).
 */
export function failures(raw: Buffer): Array<[string, string]> {
  return parseMessage(raw).findings.flatMap((f) =>
    f.kind === 'oob' && f.report.action === 'failed'
      ? [[f.recipient === '' ? (f.returnedRecipient ?? '') : f.recipient, f.reply.content]]
      : [],
  );
}
