// Kinds of failure reported in public bug reports about bounce handling (MTAs and
// their front ends, mailing-list managers, bounce-handling code in other projects,
// provider documentation trackers), sixth round, each rebuilt as an input of our own
// (fixtures/field-kinds-6/, see its README for the report behind each case). Run as
// field-kinds-2.test.ts runs its cases: parse cases by parseMessage → reportRecords
// with the shipped rules, classify cases by parseReplyLine → classify with no context.
import { describeFieldKinds } from '../../helpers/field-cases';

// Cases that do not hold yet, by the tag run.py prints (none since the fixes).
describeFieldKinds('field-kinds-6', [], 26);
