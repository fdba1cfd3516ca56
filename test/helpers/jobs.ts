// A received message as the edge hands it to a queue (queue/job.ts Job): one recipient
// on bounce.example.com whose domain logs reports and drops them.
import type { Job } from '../../src/queue/job';

/**
 * @param raw the message bytes (a string is taken as UTF-8)
 * @param id the message id (32 hex characters in real ids; any string here)
 * @param recipient the RCPT TO address, on a domain with `LogThenDrop` for OOB and ARF
 */
export function reportJob(
  raw: string | Uint8Array,
  id: string,
  recipient = 'b@bounce.example.com',
): Job {
  return {
    envelope: {
      id,
      mailFrom: '',
      rcptTo: [recipient],
      listener: '127.0.0.1:25',
      remoteAddress: '192.0.2.9',
      heloName: 'mx.remote.example',
      sessionId: 'session',
      receivedAt: Date.UTC(2024, 0, 1),
    },
    recipients: [
      {
        address: recipient,
        domain: recipient.slice(recipient.lastIndexOf('@') + 1),
        logOob: 'LogThenDrop',
        logArf: 'LogThenDrop',
        relayTo: false,
        routingDomain: null,
      },
    ],
    sniffed: 'report',
    raw: typeof raw === 'string' ? Buffer.from(raw) : raw,
  };
}
