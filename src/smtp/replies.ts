// Every reply oobd sends on purpose (DESIGN.md §4). Each one that is a 4xx/5xx also
// becomes a Rejection record with the same code, enhanced code and text.
import { parseEnhancedCode, type Response } from '../values';

export interface Reply {
  code: number;
  enhanced: string;
  text: string;
}

export const Replies = {
  relayDenied: { code: 550, enhanced: '5.7.1', text: 'relaying not permitted' },
  tooBig: { code: 552, enhanced: '5.3.4', text: 'message size exceeds fixed maximum message size' },
  tooManyClients: { code: 421, enhanced: '4.7.0', text: 'too many connections, try again later' },
  tooManyRecipients: { code: 452, enhanced: '4.5.3', text: 'too many recipients' },
  busy: { code: 451, enhanced: '4.3.0', text: 'too busy, try again later' },
  tempFailure: { code: 451, enhanced: '4.3.0', text: 'temporary failure, try again later' },
  mailLoop: { code: 554, enhanced: '5.4.6', text: 'mail loop detected: too many Received headers' },
  shuttingDown: { code: 421, enhanced: '4.3.2', text: 'shutting down, try again later' },
  badAddress: { code: 501, enhanced: '5.1.3', text: 'bad recipient address syntax' },
} as const satisfies Record<string, Reply>;

/** An Error smtp-server turns into the reply (it sends `${responseCode} ${message}`). */
export function replyError(reply: Reply, detail?: string): Error & { responseCode: number } {
  const err = new Error(
    `${reply.enhanced} ${reply.text}${detail ? ` (${detail})` : ''}`,
  ) as Error & {
    responseCode: number;
  };
  err.responseCode = reply.code;
  return err;
}

/** The `response` of the Rejection record for a reply. */
export function replyResponse(reply: Reply, command: string): Response {
  return {
    code: reply.code,
    enhanced_code: parseEnhancedCode(reply.enhanced),
    content: reply.text,
    command,
  };
}
