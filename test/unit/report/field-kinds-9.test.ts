// Kinds of failure reported in public bug reports about bounce handling (a DSN's
// recipients with mixed outcomes, DSN field names and reply words in another case, a
// DSN without Status, qmail and Yahoo notices, the reply code written as a label, a
// forwarder quoting the reply it was given, an ARF whose parts end without a blank
// line, Apple Mail's unsubscribe marked auto-replied), ninth round, each rebuilt as an
// input of our own (fixtures/field-kinds-9/, see its README for the report behind each
// case). Run as field-kinds-2.test.ts runs its cases: parse cases by parseMessage →
// reportRecords with the shipped rules, classify cases by parseReplyLine → classify
// with no context.
import { describeFieldKinds } from '../../helpers/field-cases';

// Cases that do not hold yet, by the tag run.py prints.
describeFieldKinds('field-kinds-9', [], 28);
