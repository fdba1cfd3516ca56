// The "h102" change to rules/phrases.toml: SpamContent's "message rejected as spam"
// family also reads "refused", RFC 3463 X.7.1's own verb ("554 5.7.1 Message refused as
// spam", found by bench/data/blind-messages-10). Loaded as the bundled config loads the
// shipped rules; the family is tested with wordings written here and with the nearest
// "message refused" replies of other labels, which must NOT become SpamContent.
import { describeFamilies } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'a message refused as spam': [
    ['554 5.7.1 Message refused as spam', 'SpamContent'],
    ['550 Your mail was refused as junk by our filter', 'SpamContent'],
    ['550 5.7.1 This message has been refused as probable spam', 'SpamContent'],
    // Nearest: a refusal for the sending host's listing (SpamBlock), for a policy, an
    // attachment type or a virus, each "refused" too.
    [
      '554 5.7.1 Message refused: client host 192.0.2.10 is listed at bl.example.org as a spam source',
      'SpamBlock',
    ],
    ['550 5.7.1 Message refused by recipient policy', 'PolicyRelated'],
    [
      '552 5.7.0 Message refused as the attached file type .exe is not allowed',
      'ProhibitedAttachment',
    ],
    ['554 5.7.1 Message refused as it contains a virus', 'VirusRelated'],
  ],
};

describeFamilies(FAMILIES);
