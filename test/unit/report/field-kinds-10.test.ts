// Kinds of failure reported in public bug reports about bounce handling, tenth round
// (a person's Outlook message carrying X-Auto-Response-Suppress, an Exchange automatic
// reply carrying it too, feedback-loop reports without Source-IP or without Date, DMARC
// failure reports with and without a feedback-report part, a bounce addressed to an SRS
// return path, La Poste's "archived recipient", an MDN for a message deleted unread),
// each rebuilt as an input of our own (fixtures/field-kinds-10/, see its README for the
// report behind each case). Run as field-kinds-2.test.ts runs its cases: parse cases by
// parseMessage → reportRecords with the shipped rules, classify cases by parseReplyLine
// → classify with no context.
import { describeFieldKinds } from '../../helpers/field-cases';

// Cases that do not hold yet, by the tag run.py prints.
describeFieldKinds('field-kinds-10', [], 18);
