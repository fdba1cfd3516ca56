// Kinds of failure reported in public bug reports about bounce handling, twelfth round
// (vendor notices from mail systems no earlier round used: Stalwart's DSN, Mail
// Defender's Japanese notice with no reason, Alibaba Mail's Chinese notice whose own
// reason contradicts the remote reply, hMailServer's notice; a list manager's moderation
// notice that is no bounce; mailing-list refusals by Google Groups; Chinese, French and
// Brazilian providers' replies whose words outweigh their codes), each rebuilt as an
// input of our own (fixtures/field-kinds-13/, see its README for the report behind each
// case). Run as field-kinds-2.test.ts runs its cases: parse cases by parseMessage →
// reportRecords with the shipped rules, classify cases by parseReplyLine → classify with
// no context.
import { describeFieldKinds } from '../../helpers/field-cases';

// Cases that do not hold yet, by the tag run.py prints.
describeFieldKinds('field-kinds-13', [], 23);
