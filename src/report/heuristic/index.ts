// Non-RFC bounces (DESIGN.md §5): the text NDRs of qmail, Exim, Sendmail, Postfix,
// Exchange, Domino, Courier and the providers, one family (or a group of families
// sharing one layout) per file in this folder. Each family has a cheap `detect`
// (header fields and the first few KB of the text) and a `parse`; the first family
// that detects the message and finds a recipient wins. Families that name a
// provider come before the MTA whose layout they reuse (Mail.ru before Exim,
// Yahoo before qmail), and formats with distinctive intros before generic ones.
import type { MimeMessage } from '../mime';
import { isEmailAddress } from '../address';
import type { Finding, OobFinding } from '../types';
import { amazonSes } from './amazon';
import { ezweb, kddi } from './au';
import { Bounce, type Family } from './common';
import { exchange2003, exchange2007, iis } from './exchange';
import { exim } from './exim';
import {
  amavis,
  barracuda,
  interScan,
  mailFoundry,
  mailMarshal,
  mFilter,
  surfControl,
  x3,
  x6,
} from './gateways';
import { gmail, googleGroups, googleWorkspace } from './google';
import { qmail, yahoo } from './qmail';
import { domino, notes } from './lotus';
import { aol, fml, groupwise, imail, james, messagingServer, powerMta, zoho } from './mailers';
import { postfix } from './postfix';
import { sendmail } from './sendmail';
import { courier, dragonfly, opensmtpd, smail } from './small-mtas';

/** In the order they are tried. */
export const FAMILIES: readonly Family[] = [
  // Providers and appliances, recognised by their headers or a distinctive text.
  amazonSes,
  googleGroups,
  googleWorkspace,
  gmail,
  zoho,
  ezweb,
  kddi,
  mFilter,
  mailFoundry,
  interScan,
  mailMarshal,
  amavis,
  barracuda,
  surfControl,
  powerMta,
  messagingServer,
  james,
  fml,
  x6,
  x3,
  // MTAs with a fixed intro.
  dragonfly,
  opensmtpd,
  yahoo,
  qmail,
  aol,
  exim,
  postfix,
  exchange2007,
  exchange2003,
  iis,
  domino,
  notes,
  groupwise,
  imail,
  sendmail,
  courier,
  smail,
];

/**
 * Called by `parseMessage` when no RFC parser (DSN, ARF, MDN, auto-reply) found
 * anything. Returns one finding per failed recipient (`report.source` =
 * `heuristic:<family>`), in the order the bounce names them, or an empty list when
 * no family recognises the message. A family that fails on a hostile message
 * records a problem and the next family is tried; this never throws.
 */
export function parseHeuristic(msg: MimeMessage): Finding[] {
  const bounce = new Bounce(msg);
  for (const family of FAMILIES) {
    try {
      if (!family.detect(bounce)) continue;
      const findings = family.parse(bounce);
      if (findings.length > 0) return findings;
    } catch (err) {
      msg.problems.push({
        code: 'heuristic.failed',
        detail: `${family.name}: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  }
  return [];
}

/**
 * Fills what a DSN's recipient blocks leave out from the notification text beside
 * them, as the family that wrote it reads that text: a block without Diagnostic-Code
 * gets the text's reason as `content` (Exim's "mailbox is full", sendmail's
 * transcript), and a Final-Recipient that is no address (Exim's "save to /path"
 * and "pipe to |prog" deliveries, a relay's "rfc822; @host") gets the address the
 * text names. Only when the text lists the same recipients, in the same number;
 * the DSN's own fields are never overwritten otherwise.
 */
export function completeDsn(findings: OobFinding[], msg: MimeMessage): OobFinding[] {
  const needs = findings.some((f) => f.reply.content === '' || !isEmailAddress(f.recipient));
  if (!needs) return findings;
  const text = parseHeuristic(msg).filter((f): f is OobFinding => f.kind === 'oob');
  if (text.length !== findings.length) return findings;
  const byAddress = new Map(text.map((f) => [f.recipient.toLowerCase(), f]));
  return findings.map((f, i) => {
    const addressed = isEmailAddress(f.recipient);
    const same = addressed ? byAddress.get(f.recipient.toLowerCase()) : text[i];
    if (same === undefined) return f;
    const out: OobFinding = { ...f };
    if (!addressed) out.recipient = same.recipient;
    if (f.reply.content === '' && same.reply.content !== '')
      out.reply = { ...f.reply, content: same.reply.content };
    return out;
  });
}
