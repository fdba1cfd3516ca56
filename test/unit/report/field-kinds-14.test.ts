// Kinds of failure reported in public bug reports about bounce handling, fourteenth
// round (a message needing SMTPUTF8 refused by the next hop, in Postfix's and qmail's
// words and in a Postfix DSN; null MX in the words of Postfix, Google Workspace, maddy
// and the IANA registry, for the recipient's and for the sender's domain; Microsoft's
// and Gmail's sender requirements; Gmail's Message-ID rule; Stalwart's unknown mailbox
// under 5.1.2; an Exim notice whose folded Gmail reply wraps an IPv6 address), each
// rebuilt as an input of our own (fixtures/field-kinds-14/, see its README for the
// report behind each case). Run as field-kinds-2.test.ts runs its cases: parse cases by
// parseMessage → reportRecords with the shipped rules, classify cases by parseReplyLine
// → classify with no context.
import { describeFieldKinds } from '../../helpers/field-cases';

// Cases that do not hold yet, by the tag run.py prints.
describeFieldKinds('field-kinds-14', [], 16);
