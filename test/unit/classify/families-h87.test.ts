// The h87 pass over rules/phrases.toml. First: the h66 and h71 blocks marked word edges
// with the Unicode class [^\p{L}\p{N}_]; they now use the whitespace / ASCII punctuation
// class of the i30 and h78 families, because a Unicode letter class multiplies the
// states of the one RE2 set past its DFA budget (RE2 then falls back to the slower NFA
// for every reply: node bench/classify.js, corpus replies new each pass, 124 µs → 75 µs).
// The edges must still hold for words that end in an accented letter (where RE2's ASCII
// \b does not), in guillemets, quotes and brackets, and must still refuse a word that
// goes on in a letter. Second: the sender domain's SPF record missing, not found or
// unusable (AuthenticationFailed).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHIPPED_RULES_FILES } from '../../../src/config/server';
import { describeFamilies } from '../../helpers/shipped-rules';

const ROOT = join(__dirname, '../../..');

describe('the shipped rules files', () => {
  it.each(SHIPPED_RULES_FILES)(
    '%s marks no word edge with a Unicode letter or number class',
    (file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      expect(text).not.toMatch(/\\p\{[LN]/);
      expect(text).not.toMatch(/\\[pP][LN]/);
    },
  );
});

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'word edges of the ASCII punctuation class, around words that end in an accented letter': [
    ['550 Message rejeté : «courrier indésirable»', 'SpamContent'],
    ['550 Message refusé (courriel non sollicité).', 'SpamContent'],
    ['550 Mensaje rechazado: correo no deseado', 'SpamContent'],
    ['554 Votre adresse IP («192.0.2.1») est listée', 'SpamBlock'],
    ["554 L'hôte est listée chez bl.example.org", 'SpamBlock'],
    ['554 Ihre IP-Adresse ist bei bl.example.org gelistet.', 'SpamBlock'],
    ['550 5.7.1 Le serveur expéditeur a une mauvaise réputation', 'SpamBlock'],
    ['550 5.7.1 Host «mx.example» suspected of sending spam', 'SpamBlock'],
    ['550 5.7.1 IP-адрес отправителя является источником спама', 'SpamBlock'],
    ['550 Contenu du message non conforme', 'ContentRelated'],
    // A word that goes on in a letter, accented or not, is another word: the family
    // does not give its label.
    ['550 Mensaje rechazado: correo no deseadoX', 'PolicyRelated'],
    ['550 5.7.1 Le serveur expéditeur a une mauvaise réputationnelle', 'PolicyRelated'],
    ['550 Contenu du message non conformeé', 'Uncategorized'],
  ],
  // RFC 7208 §8.1 (None), §8.4 (Fail) and §8.7 (Permerror): a sender domain with no
  // SPF record, or one that cannot be read, is a sender authentication failure.
  "the sender domain's SPF record missing, not found or unusable": [
    ['550 5.7.1 SPF record not found for example.com', 'AuthenticationFailed'],
    ['550 5.7.1 The SPF record for example.com does not exist', 'AuthenticationFailed'],
    ['550 5.7.1 Sender domain example.com does not have an SPF record', 'AuthenticationFailed'],
    ['550 5.7.1 Could not find an SPF record for example.com', 'AuthenticationFailed'],
    ['550 5.7.1 Unable to find SPF record for example.com', 'AuthenticationFailed'],
    ['554 5.7.1 SPF record missing for sender domain', 'AuthenticationFailed'],
    ['550 5.7.1 Sender domain lacks an SPF record', 'AuthenticationFailed'],
    ['550 5.7.1 Message rejected: SPF record of example.com not found', 'AuthenticationFailed'],
    ['550 5.7.1 SPF records for example.com could not be found', 'AuthenticationFailed'],
    ['550 5.7.1 Sender domain has no valid published SPF TXT record', 'AuthenticationFailed'],
    ['554 5.7.1 Rejected: SPF policy is not published for example.com', 'AuthenticationFailed'],
    ['550 5.7.1 SPF: none', 'AuthenticationFailed'],
    ['550 5.7.1 SPF result: none', 'AuthenticationFailed'],
    ['550 5.5.2 SPF PermError', 'AuthenticationFailed'],
    ['550 5.7.1 SPF check failed', 'AuthenticationFailed'],
    // Nearest: SPF named beside a block list or a spam verdict, an SPF lookup that
    // failed for now (temperror, a DNS failure), a recipient address that starts with
    // spf, the recipient's domain or MX not found, a clause about SPF and another
    // about the user.
    ['554 5.7.1 Blocked by SpamCop: SPF and DNSBL listed', 'SpamBlock'],
    [
      '554 5.7.1 Client host [192.0.2.1] blocked using zen.spamhaus.org; see https://example.org/spf-record-help',
      'SpamBlock',
    ],
    ['550 5.7.1 Rejected: spam detected (SPF pass)', 'SpamContent'],
    ['550 5.7.1 Your message looks like spam. Make sure SPF is set up', 'SpamContent'],
    ['450 4.7.1 SPF temperror: DNS timeout looking up example.com', 'DNSFailure'],
    [
      '550 5.1.1 <spf-record@example.org>: Recipient address rejected: User unknown',
      'InvalidRecipient',
    ],
    ['550 5.1.1 SPF record valid, user not found', 'InvalidRecipient'],
    ['550 5.1.2 Domain example.com does not exist', 'BadDomain'],
    ['550 5.1.2 No MX record found for example.com', 'BadDomain'],
  ],
};

describeFamilies(FAMILIES);
