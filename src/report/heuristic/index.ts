// Non-RFC bounces (DESIGN.md §5): the text NDRs of qmail, Exim, Sendmail, Postfix,
// Exchange, Domino, Courier and the providers, one family (or a group of families
// sharing one layout) per file in this folder. Each family has a cheap `detect`
// (header fields and the first few KB of the text) that says how specific its
// evidence is, and a `parse`; which family reads a message does not depend on the
// order of FAMILIES (see parseWith).
import type { MimeMessage } from '../mime';
import { isEmailAddress } from '../address';
import type { Finding, OobFinding } from '../types';
import { amazonSes } from './amazon';
import { AU, ezweb, kddi } from './au';
import { Bounce, lowerAscii, type Family } from './common';
import { exchange2003, exchange2007, iis } from './exchange';
import { exim } from './exim';
import {
  amavis,
  barracuda,
  interScan,
  mailFoundry,
  mailMarshal,
  mFilter,
  mimecast,
  surfControl,
  x3,
  x6,
} from './gateways';
import { gmail, googleGroups, googleWorkspace } from './google';
import { qmail } from './qmail';
import { domino, notes } from './lotus';
import { aol, fml, groupwise, imail, james, messagingServer, powerMta, zoho } from './mailers';
import { postfix } from './postfix';
import { sendmail } from './sendmail';
import { courier, dragonfly, mdaemon, opensmtpd, smail } from './small-mtas';

/** Every family; the order is not load-bearing (parseWith sorts by evidence). */
export const FAMILIES: readonly Family[] = [
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
  mimecast,
  amavis,
  barracuda,
  surfControl,
  powerMta,
  messagingServer,
  james,
  fml,
  x6,
  x3,
  dragonfly,
  opensmtpd,
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
  mdaemon,
  smail,
];

/**
 * How complete a parse is: recipients first, then how many carry a reason, a status,
 * and a reason that is a server's reply (a reply code in it) rather than the notice's
 * own words. A reply counts by its code, not only by an enhanced code: many servers
 * send none (RFC 5321 §4.2 needs only the three digits), and which family reads a
 * message must not depend on the wording of the reply it quotes.
 */
function completeness(findings: readonly Finding[]): number {
  let score = 0;
  for (const f of findings) {
    score += 4;
    if (f.kind !== 'oob') continue;
    // A reply of its code alone is a reason too (RFC 5321 §4.2: the text is optional):
    // "host 192.0.2.8: 554" says more than a template's "Technical details:".
    const coded = f.report.diagnostic_code?.type === 'smtp';
    if (f.reply.content !== '' || coded) score++;
    if (f.reply.enhancedCode !== null) score++;
    if (coded) score++;
  }
  return score;
}

/**
 * Called by `parseMessage` when no RFC parser (DSN, ARF, MDN, auto-reply) found
 * anything. Returns one finding per failed recipient (`report.source` =
 * `heuristic:<family>`), in the order the bounce names them, or an empty list when
 * no family recognises the message. A family that fails on a hostile message
 * records a problem and the next family is tried; this never throws.
 */
export function parseHeuristic(msg: MimeMessage): Finding[] {
  return parseWith(FAMILIES, msg);
}

/**
 * `parseHeuristic` over the given families. The result does not depend on their
 * order: families are tried by the specificity of the evidence their `detect`
 * found (EVIDENCE: a sender only one program writes, then a program's fixed
 * marker, then a shared layout); among families with equal evidence every one
 * parses and the most complete result wins (more recipients, then more reasons
 * and statuses; then the family name, so that ties are stable). A family whose
 * parse finds nothing hides no other: the next ones are tried.
 */
export function parseWith(families: readonly Family[], msg: MimeMessage): Finding[] {
  const bounce = new Bounce(msg);
  const candidates: { family: Family; evidence: number }[] = [];
  for (const family of families) {
    try {
      const evidence = family.detect(bounce);
      if (evidence > 0) candidates.push({ family, evidence });
    } catch (err) {
      failed(msg, family, err);
    }
  }
  candidates.sort(
    (a, b) =>
      b.evidence - a.evidence ||
      (a.family.name < b.family.name ? -1 : a.family.name > b.family.name ? 1 : 0),
  );
  let i = 0;
  while (i < candidates.length) {
    const level = (candidates[i] as { evidence: number }).evidence;
    let best: Finding[] = [];
    let bestScore = 0;
    for (
      ;
      i < candidates.length && (candidates[i] as { evidence: number }).evidence === level;
      i++
    ) {
      const { family } = candidates[i] as { family: Family };
      try {
        const findings = family.parse(bounce);
        const score = completeness(findings);
        if (score > bestScore) {
          best = findings;
          bestScore = score;
        }
      } catch (err) {
        failed(msg, family, err);
      }
    }
    if (best.length > 0) return best;
  }
  return [];
}

function failed(msg: MimeMessage, family: Family, err: unknown): void {
  msg.problems.push({
    code: 'heuristic.failed',
    detail: `${family.name}: ${err instanceof Error ? err.message : String(err)}`,
  });
}

/**
 * Fills what a DSN's recipient blocks leave out from the notification text beside
 * them, as the family that wrote it reads that text: a block without Diagnostic-Code
 * gets the text's reason as `content` (Exim's "mailbox is full", sendmail's
 * transcript), and a Final-Recipient that is no address (Exim's "save to /path"
 * and "pipe to |prog" deliveries, a relay's "rfc822; @host") gets the address the
 * text names. The text's readings are paired with the blocks (`pairReadings`): by
 * address, and the addresses no block names with the blocks that name none, in
 * order. The DSN's own fields are never overwritten otherwise.
 */
export function completeDsn(findings: OobFinding[], msg: MimeMessage): OobFinding[] {
  const verdict = auVerdictIn(msg);
  const needs =
    verdict || findings.some((f) => f.reply.content === '' || !isEmailAddress(f.recipient));
  if (!needs) return findings;
  const text = parseHeuristic(msg).filter((f): f is OobFinding => f.kind === 'oob');
  const paired = pairReadings(findings, text);
  if (paired === null) return findings;
  return findings.map((f, i) => {
    const same = paired[i];
    if (same === undefined) return f;
    const out: OobFinding = { ...f };
    if (!isEmailAddress(f.recipient)) out.recipient = same.recipient;
    if (f.reply.content === '' && same.reply.content !== '')
      out.reply = { ...f.reply, content: same.reply.content };
    // au's verdict on the account after the same remote reply (see auVerdictIn).
    else if (
      verdict &&
      same.reply.content.length > f.reply.content.length &&
      same.reply.content.startsWith(f.reply.content)
    )
      out.reply = { ...f.reply, content: same.reply.content };
    return out;
  });
}

/**
 * The text's reading for each DSN finding (same index; undefined where the text has
 * none), or null when the two do not tell of the same recipients.
 *
 * The same number of readings as blocks: as before, blocks with an address take the
 * reading of that address, those without one the reading at their index.
 *
 * Fewer readings than blocks (a report whose text lists only some of its recipients,
 * or a DSN part that gained a group its text does not tell of): every reading must
 * name an address, and each is the reading of the block that names the same address;
 * the readings of addresses no block names go to the blocks that name none (Exim's
 * "save to /path", a relay's "@host"), in order, only when both are as many (RFC 3464
 * §2.3: the per-recipient fields of one group never speak for another). A reading of
 * an address beside a block of no address, with no one-to-one pairing, is left out.
 */
function pairReadings(
  findings: OobFinding[],
  text: OobFinding[],
): (OobFinding | undefined)[] | null {
  if (text.length === 0) return null;
  const byAddress = new Map(text.map((f) => [f.recipient.toLowerCase(), f]));
  if (text.length === findings.length)
    return findings.map((f, i) =>
      isEmailAddress(f.recipient) ? byAddress.get(f.recipient.toLowerCase()) : text[i],
    );
  if (text.length > findings.length) return null;
  // Sendmail's local deliveries name the user alone ("kijitora... Deferred: ..."):
  // such a reading is the block's whose address has that local part, when one does.
  const byUser = new Map<string, OobFinding>();
  for (const t of text) {
    if (isEmailAddress(t.recipient)) continue;
    const user = t.recipient.toLowerCase();
    const owners = findings.filter(
      (f) => isEmailAddress(f.recipient) && localPart(f.recipient) === user,
    );
    if (user === '' || owners.length !== 1) return null;
    byUser.set((owners[0] as OobFinding).recipient.toLowerCase(), t);
  }
  const named = new Set(
    findings.filter((f) => isEmailAddress(f.recipient)).map((f) => f.recipient.toLowerCase()),
  );
  const spare = text.filter(
    (t) => isEmailAddress(t.recipient) && !named.has(t.recipient.toLowerCase()),
  );
  const unnamed = findings.filter((f) => !isEmailAddress(f.recipient)).length;
  const fill = spare.length === unnamed ? spare : [];
  if (spare.length > 0 && fill.length === 0) return null;
  let next = 0;
  return findings.map((f) => {
    if (!isEmailAddress(f.recipient)) return fill[next++];
    const key = f.recipient.toLowerCase();
    return byAddress.get(key) ?? byUser.get(key);
  });
}

/** The local part of an address, lower case. */
function localPart(address: string): string {
  return address.slice(0, address.lastIndexOf('@')).toLowerCase();
}

/**
 * True when the notification is au's template with its verdict on the account ("The
 * user(s) account is disabled.", heuristic/au.ts): the ezweb family adds it to the
 * remote reply ("550 user unknown", which au answers for a disabled account too), so
 * its reading completes the DSN's. A look at the first text parts' first 4 KB.
 */
function auVerdictIn(msg: MimeMessage): boolean {
  let seen = 0;
  for (const t of msg.texts()) {
    if (++seen > 2) break;
    if (lowerAscii(t.text.slice(0, 4096)).indexOf(AU.account) >= 0) return true;
  }
  return false;
}
