// Kinds of failure reported in public bug reports about bounce handling (mail servers
// written in Go and Rust, help desks and their loop guards, list hosts, provider code
// lists, SES notifications by mail, read receipts), seventh round, each rebuilt as an
// input of our own (fixtures/field-kinds-7/, see its README for the report behind each
// case). Run as field-kinds-2.test.ts runs its cases: parse cases by parseMessage →
// reportRecords with the shipped rules, classify cases by parseReplyLine → classify with
// no context.
import { describeFieldKinds } from '../../helpers/field-cases';

// Cases that do not hold yet, by the tag run.py prints.
describeFieldKinds('field-kinds-7', [], 28);
