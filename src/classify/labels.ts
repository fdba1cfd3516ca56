// The label vocabulary: KumoMTA's predefined bounce classes (the `PreDefinedBounceClass`
// enum of its bounce-classify crate, docs.kumomta.com/rustapi/bounce_classify) and the
// labels oobd's parsers write themselves. Any label string is allowed in a rules file
// (DESIGN.md §6); these are the ones consumers of KumoMTA logs know, so a label outside
// them is most often a typo, and `oobd rules check` / `oobd logs --class` warn about it.
import { ErrorCode } from '../errors';
import type { RulesSource } from './index';
import { decodeRulesFile, type RuleProblem } from './rules-file';

/** KumoMTA's 29 predefined labels, in the enum's order. */
export const PREDEFINED_LABELS: readonly string[] = Object.freeze([
  'InvalidRecipient',
  'DNSFailure',
  'SpamBlock',
  'SpamContent',
  'ProhibitedAttachment',
  'RelayDenied',
  'AutoReply',
  'TransientFailure',
  'Subscribe',
  'Unsubscribe',
  'ChallengeResponse',
  'BadConfiguration',
  'BadConnection',
  'BadDomain',
  'ContentRelated',
  'InactiveMailbox',
  'InvalidSender',
  'MessageExpired',
  'NoAnswerFromHost',
  'PolicyRelated',
  'ProtocolErrors',
  'QuotaIssues',
  'RelayingIssues',
  'RoutingErrors',
  'SpamRelated',
  'VirusRelated',
  'AuthenticationFailed',
  'TooManyRecipients',
  'Uncategorized',
]);

/**
 * Labels the parsers put in `bounce_classification` beyond the predefined ones:
 * Feedback records (ARF) and MDN records carry their type (AutoReply and
 * ChallengeResponse, also written by the parsers, are predefined).
 */
export const PARSER_LABELS: readonly string[] = Object.freeze(['Feedback', 'MDN']);

/** Every label oobd writes with its shipped rules. */
export const KNOWN_LABELS: readonly string[] = Object.freeze([
  ...PREDEFINED_LABELS,
  ...PARSER_LABELS,
]);

/** Levenshtein distance, case-insensitive (labels are short: a plain table is fine). */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[y.length] ?? 0;
}

/**
 * The vocabulary label nearest to `label` (case-insensitive edit distance), or null
 * when none is close enough to be a plausible typo (more than a third of it differs).
 */
export function closestLabel(
  label: string,
  vocabulary: readonly string[] = KNOWN_LABELS,
): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of vocabulary) {
    const d = distance(label, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(label.length / 3)) ? best : null;
}

/** The vocabulary spelling of a label, matched case-insensitively, or null. */
export function knownLabel(
  label: string,
  vocabulary: readonly string[] = KNOWN_LABELS,
): string | null {
  const lower = label.toLowerCase();
  return vocabulary.find((known) => known.toLowerCase() === lower) ?? null;
}

/**
 * One warning per label (per file) outside KumoMTA's predefined set, naming the
 * closest predefined label when one is near: the rules still load, the label is
 * allowed, but it is most likely a typo. Files that cannot be decoded are left to
 * `checkRules`, which reports them as errors.
 */
export function labelWarnings(sources: readonly RulesSource[]): RuleProblem[] {
  const warnings: RuleProblem[] = [];
  for (const source of sources) {
    const { decoded } = decodeRulesFile(source);
    for (const { label } of decoded.labels) {
      if (PREDEFINED_LABELS.includes(label)) continue;
      const near = closestLabel(label, PREDEFINED_LABELS);
      warnings.push({
        code: ErrorCode.RuleInvalid,
        file: source.file,
        label,
        index: null,
        pattern: null,
        reason:
          `not one of KumoMTA's predefined labels${near ? ` (did you mean ${near}?)` : ''}; ` +
          'allowed, but consumers of KumoMTA logs will not know it',
      });
    }
  }
  return warnings;
}
