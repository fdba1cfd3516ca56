// Kinds of failure reported in public bug reports about bounce handling, eleventh round
// (the 2024 sender requirements of Gmail and Yahoo: DMARC refusals in Gmail's and
// Microsoft's words, Gmail's 4.7.28 rate limit and IPv6 PTR refusals, Microsoft's 5.7.515
// and 5.7.509; SPF refusals in MailChannels' and Zoho's words; size limits; greylisting
// as a delay and as a final failure that is no bad address), each rebuilt as an input of
// our own (fixtures/field-kinds-11/, see its README for the report behind each case).
// Run as field-kinds-2.test.ts runs its cases: parse cases by parseMessage →
// reportRecords with the shipped rules, classify cases by parseReplyLine → classify with
// no context.
import { describeFieldKinds } from '../../helpers/field-cases';

// Cases that do not hold yet, by the tag run.py prints.
describeFieldKinds('field-kinds-11', [], 18);
