// `oobd rules audit`: how a set of rules does on a corpus. For every rule and context
// row: how often it decided a label and, where the right labels are known, how often
// that label was right; which rules never decided anything; and the replies no rule
// recognised, grouped (normalise.ts) with a pattern to start a rule from.
//
// Pure: the CLI feeds it classifications (and the labels an expectations file
// accepts), it returns the tallies.
import type { Classification, CompiledClassifier, RuleRef, ContextRowRef } from './index';
import { UNCATEGORIZED } from './index';
import { groupReplies, type ReplyGroup } from './normalise';

/** The tally of one rule or context row. */
export interface AuditEntry {
  file: string;
  label: string;
  /** Pattern index within the label (rules), row index within the file (context rows). */
  index: number;
  /** The pattern (rules) or the row's name (context rows). */
  pattern: string;
  kind: 'rule' | 'context';
  /** Replies whose final label this entry decided. */
  hits: number;
  /** Of those, the replies with an expectation. */
  checked: number;
  /** Of those, the replies whose label the expectation accepts. */
  right: number;
  /** For a rule: replies it matched whose label a context row then replaced. */
  overridden: number;
}

/** A reply whose label its expectation does not accept. */
export interface AuditMiss {
  /** Where the reply came from: `file#index` (the expectation's index), or a record id. */
  source: string;
  /** The reply line the classifier saw. */
  line: string;
  label: string;
  /** The labels the expectation accepts. */
  accepted: readonly string[];
  /** The Sisimai reason those labels stand for (corpus expectations); null for a plain label. */
  reason: string | null;
  /** The rule or context row that decided, as `file: "Label"[index]`; null when none did. */
  rule: string | null;
}

export interface AuditReport {
  /** Every rule then every context row, in load order. */
  entries: AuditEntry[];
  /** Replies classified. */
  replies: number;
  /** Replies with an expectation, and how many got an accepted label. */
  checked: number;
  right: number;
  /** Expectations that found no reply to pair with (a finding missing or unpaired). */
  unpaired: number;
  /** Those expectations, as `file#index` of the expectations file. */
  unpairedExpectations: string[];
  /** Replies that stayed Uncategorized, grouped. */
  uncategorized: ReplyGroup[];
  /** Replies whose label the expectation does not accept, in the order they came. */
  wrong: AuditMiss[];
}

/** Collects classifications one by one; `report()` gives the tallies. */
export class RulesAudit {
  private readonly ruleEntries = new Map<RuleRef, AuditEntry>();
  private readonly contextEntries = new Map<string, AuditEntry>();
  private readonly order: AuditEntry[] = [];
  private readonly uncategorizedLines: string[] = [];
  private readonly wrong: AuditMiss[] = [];
  private replies = 0;
  private checked = 0;
  private right = 0;
  private readonly unpairedList: string[] = [];

  constructor(classifier: CompiledClassifier) {
    for (const rule of classifier.rules) {
      const entry = newEntry(rule.file, rule.label, rule.index, rule.pattern, 'rule');
      this.ruleEntries.set(rule, entry);
      this.order.push(entry);
    }
    for (const row of classifier.contextRows) {
      const entry = newEntry(row.file, row.label, row.index, row.name, 'context');
      this.contextEntries.set(contextKey(row), entry);
      this.order.push(entry);
    }
  }

  /**
   * Count one classified reply.
   * @param line the reply line the classifier saw
   * @param accepted the labels an expectation accepts for it, or null when none is known
   * @param source where the reply came from, for the list of wrong labels (`file#index`)
   * @param reason the Sisimai reason the accepted labels come from, if they do
   */
  add(
    line: string,
    result: Classification,
    accepted: readonly string[] | null,
    source = '',
    reason: string | null = null,
  ): void {
    this.replies++;
    const ok = accepted === null ? null : accepted.includes(result.label);
    if (ok !== null) {
      this.checked++;
      if (ok) this.right++;
    }
    if (ok === false && accepted !== null) {
      this.wrong.push({
        source,
        line,
        label: result.label,
        accepted,
        reason,
        rule: result.context
          ? `${result.context.file}: context[${result.context.index}]`
          : result.rule
            ? `${result.rule.file}: ${JSON.stringify(result.rule.label)}[${result.rule.index}]`
            : null,
      });
    }
    const ruleEntry = result.rule ? this.ruleEntries.get(result.rule) : undefined;
    const decider = result.context
      ? this.contextEntries.get(contextKey(result.context))
      : ruleEntry;
    if (result.context && ruleEntry) ruleEntry.overridden++;
    if (decider) {
      decider.hits++;
      if (ok !== null) {
        decider.checked++;
        if (ok) decider.right++;
      }
    }
    if (result.label === UNCATEGORIZED) this.uncategorizedLines.push(line);
  }

  /** An expectation with no reply to pair with (`file#index`). */
  unpaired(expectation: string): void {
    this.unpairedList.push(expectation);
  }

  report(): AuditReport {
    return {
      entries: this.order.map((entry) => ({ ...entry })),
      replies: this.replies,
      checked: this.checked,
      right: this.right,
      unpaired: this.unpairedList.length,
      unpairedExpectations: [...this.unpairedList],
      uncategorized: groupReplies(this.uncategorizedLines),
      wrong: this.wrong.map((miss) => ({ ...miss })),
    };
  }
}

function newEntry(
  file: string,
  label: string,
  index: number,
  pattern: string,
  kind: AuditEntry['kind'],
): AuditEntry {
  return { file, label, index, pattern, kind, hits: 0, checked: 0, right: 0, overridden: 0 };
}

function contextKey(row: Pick<ContextRowRef, 'file' | 'index'>): string {
  return `${row.file}\0${row.index}`;
}

/** Precision of an entry (right / checked), or null when nothing was checked. */
export function precision(entry: Pick<AuditEntry, 'right' | 'checked'>): number | null {
  return entry.checked === 0 ? null : entry.right / entry.checked;
}

/**
 * The labels that count as right for a Sisimai bounce reason: the table of
 * ../shared/corpus/README.md ("How a parse is scored"). Reasons not listed (onhold,
 * undefined, delivered, feedback) are not scored by label.
 */
export const SISIMAI_REASON_LABELS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  userunknown: ['InvalidRecipient'],
  hasmoved: ['InvalidRecipient', 'InactiveMailbox'],
  suspend: ['InactiveMailbox'],
  mailboxfull: ['QuotaIssues'],
  exceedlimit: ['QuotaIssues'],
  mesgtoobig: ['QuotaIssues', 'ContentRelated'],
  systemfull: ['QuotaIssues', 'TransientFailure'],
  hostunknown: ['BadDomain', 'DNSFailure'],
  notaccept: ['BadDomain', 'RoutingErrors'],
  expired: ['MessageExpired'],
  networkerror: [
    'BadConnection',
    'NoAnswerFromHost',
    'DNSFailure',
    'RoutingErrors',
    'TransientFailure',
  ],
  toomanyconn: ['TransientFailure', 'PolicyRelated', 'BadConnection'],
  speeding: ['TransientFailure', 'PolicyRelated', 'BadConnection'],
  blocked: [
    'SpamBlock',
    'PolicyRelated',
    'SpamRelated',
    'BadConfiguration',
    'AuthenticationFailed',
  ],
  badreputation: ['SpamBlock', 'SpamRelated', 'PolicyRelated'],
  requireptr: ['BadConfiguration', 'PolicyRelated', 'SpamBlock', 'AuthenticationFailed'],
  rejected: ['InvalidSender', 'PolicyRelated', 'SpamBlock'],
  filtered: ['InvalidRecipient', 'PolicyRelated', 'ContentRelated', 'InactiveMailbox'],
  policyviolation: ['PolicyRelated', 'ContentRelated', 'SpamContent'],
  spamdetected: ['SpamContent', 'SpamRelated'],
  virusdetected: ['VirusRelated'],
  contenterror: ['ContentRelated', 'ProtocolErrors', 'ProhibitedAttachment'],
  notcompliantrfc: ['ProtocolErrors', 'ContentRelated', 'PolicyRelated'],
  syntaxerror: ['ProtocolErrors', 'ContentRelated', 'PolicyRelated'],
  securityerror: ['AuthenticationFailed', 'PolicyRelated', 'BadConfiguration'],
  authfailure: ['AuthenticationFailed', 'PolicyRelated', 'BadConfiguration'],
  failedstarttls: ['AuthenticationFailed', 'PolicyRelated', 'BadConfiguration'],
  norelaying: ['RelayDenied', 'RelayingIssues'],
  systemerror: ['BadConfiguration', 'RoutingErrors', 'TransientFailure', 'BadConnection'],
  mailererror: ['BadConfiguration', 'RoutingErrors', 'TransientFailure', 'BadConnection'],
  vacation: ['AutoReply'],
});

/** One line of an expectations file, as read (JSON lines). */
export interface ExpectationLine {
  file: string;
  /** 1-based position of the finding within the file; absent means "in order". */
  index?: number;
  /** A label, or several accepted labels. */
  label?: string | string[];
  /** A Sisimai reason (the corpus format), mapped through SISIMAI_REASON_LABELS. */
  reason?: string;
}

/**
 * The labels an expectation accepts: its `label` (one or a list), else its Sisimai
 * `reason` mapped; null when it does not score a label (reason onhold, delivered ...),
 * and `skip` when it stands for no finding at all (Sisimai's `delivered`).
 */
export function acceptedLabels(expectation: ExpectationLine): readonly string[] | null | 'skip' {
  if (expectation.label !== undefined) {
    return Array.isArray(expectation.label) ? expectation.label : [expectation.label];
  }
  if (expectation.reason === undefined) return null;
  if (expectation.reason === 'delivered') return 'skip';
  return SISIMAI_REASON_LABELS[expectation.reason] ?? null;
}
