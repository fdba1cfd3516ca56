// Types of bench/address-transplant-lib.js for test/unit/report/address-transplant.test.ts.
import type { Classifier } from '../src/classify/index';
import type { Finding, ParseResult } from '../src/report/types';

/** A donor address (RFC 5321 §4.1.2 / RFC 6531 shape). */
export interface AddressDonor {
  name: string;
  /** The address the records must name. */
  address: string;
  /** How a bounce writes it in one place (its angle brackets included when it had them). */
  write?: (address: string, place: AddressPlace) => string;
  /** The address type DSN recipient fields take (`utf-8`). */
  dsnType?: string;
}

/** Where a copy of the address stands in the raw text. */
export interface AddressPlace {
  kind: 'dsn' | 'header' | 'other' | 'transcript' | 'reply' | 'text';
  /** The field name, lower case; '' outside a field. */
  field: string;
  bracketed: boolean;
  /** The character after the copy (and its closing bracket); '' at the end. */
  next: string;
}

/** What a transplant broke: `detected`, `recipient`, `original kept`, `label/codes`. */
export interface AddressFailure {
  kind: string;
  detail: string;
}

export interface AddressResult {
  donor: string;
  address: string;
  text: string;
  failures: AddressFailure[];
}

/** The parser and classifier under test (src/ in jest, dist/ in the benchmark). */
export interface AddressDeps {
  parseMessage(raw: Uint8Array): ParseResult;
  isBounce(finding: Finding): boolean;
  labelFindings(result: ParseResult, classifier: Classifier): ParseResult;
  classifier: Classifier;
}

export const DONORS: readonly AddressDonor[];

/** Writings real bounces give an address (display name, mailto link, ...): `write` makes the text of one copy in its place. */
export const WRITINGS: readonly AddressDonor[];

/**
 * Every donor in place of the message's first failed recipient (latin1 text); null
 * when not checked (no bounce record, records other than `expected`, the recipient not
 * written out).
 */
export function checkMessage(
  deps: AddressDeps,
  message: string,
  expected?: readonly string[] | null,
  donors?: readonly AddressDonor[],
): AddressResult[] | null;

/** `raw` with every copy of `from` (any case) replaced by `to`; null when none was found. */
export function replaceAddress(
  raw: string,
  from: string,
  to: string,
  writing?: AddressDonor | null,
): { text: string; count: number } | null;

/** Domain without case, local part as written (RFC 5321 §2.4). */
export function sameAddress(a: string, b: string): boolean;
