// Kinds of failure reported in public bug reports about bounce handling, fifteenth
// round (see fixtures/field-kinds-15/README.md for the report behind each case). Run as
// field-kinds-2.test.ts runs its cases: parse cases by parseMessage → reportRecords with
// the shipped rules, classify cases by parseReplyLine → classify with no context.
import { describeFieldKinds } from '../../helpers/field-cases';

// Cases that do not hold yet, by the tag run.py prints.
describeFieldKinds(
  'field-kinds-15',
  [
    // An ITS COMSAT notice: the address written as "LOCAL" at HOST, no bounce headers.
    'cases/p05-its-comsat-returned-unknown-recipient-at-host.eml',
  ],
  20,
);
