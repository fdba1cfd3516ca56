// Bounce classifier entry point (KumoMTA's rules format on one RE2 set).
// PLACEHOLDER until the classifier issue lands: everything is Uncategorized.
import type { Reply } from '../report/types';

/** The text of one rules file; config/ reads files, classify/ stays pure. */
export interface RulesSource {
  /** Path as configured, used in error messages and in `RuleRef.file`. */
  file: string;
  text: string;
}

/** Which rule won, so an operator can see why a reply got its label. */
export interface RuleRef {
  file: string;
  label: string;
  /** 0-based index of the pattern within the label's list. */
  index: number;
  pattern: string;
}

export interface Classification {
  label: string;
  rule: RuleRef | null;
}

export interface ClassifierOptions {
  /** @defaultValue 1024 */
  cacheSize: number;
  /** @defaultValue 1024 */
  uncategorizedCacheSize: number;
}

export interface Classifier {
  classify(reply: Reply): Classification;
}

export function compileClassifier(_sources: RulesSource[], _options: ClassifierOptions): Classifier {
  return { classify: () => ({ label: 'Uncategorized', rule: null }) };
}
