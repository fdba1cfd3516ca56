// Kinds of failure reported in public bug reports about bounce handling (DSN readers
// outside mail servers, Exchange Online and Yahoo codes met by senders, SES bounces by
// SNS without a DSN, SMTPUTF8 DSNs), eighth round, each rebuilt as an input of our own
// (fixtures/field-kinds-8/, see its README for the report behind each case). Run as
// field-kinds-2.test.ts runs its cases: parse cases by parseMessage → reportRecords with
// the shipped rules, classify cases by parseReplyLine → classify with no context.
import { describeFieldKinds } from '../../helpers/field-cases';

// Cases that do not hold yet, by the tag run.py prints.
describeFieldKinds('field-kinds-8', [], 15);
