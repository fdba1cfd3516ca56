// Kinds of failure reported in public bug reports about bounce handling, seventeenth
// round: notice structure (see fixtures/field-kinds-17/README.md for the report behind
// each case). Run as field-kinds-2.test.ts runs its cases: parse cases by parseMessage →
// reportRecords with the shipped rules, classify cases by parseReplyLine → classify with
// no context.
import { describeFieldKinds } from '../../helpers/field-cases';

// Cases that do not hold yet, by the tag run.py prints.
describeFieldKinds('field-kinds-17', [], 25);
