// The h87 pass over rules/phrases.toml. First: the h66 and h71 blocks marked word edges
// with the Unicode class [^\p{L}\p{N}_]; they now use the whitespace / ASCII punctuation
// class of the i30 and h78 families, because a Unicode letter class multiplies the
// states of the one RE2 set past its DFA budget (RE2 then falls back to the slower NFA
// for every reply: node bench/classify.js, corpus replies new each pass, 124 µs → 75 µs).
// The edges must still hold for words that end in an accented letter (where RE2's ASCII
// \b does not), in guillemets, quotes and brackets, and must still refuse a word that
// goes on in a letter.
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
};

describeFamilies(FAMILIES);
