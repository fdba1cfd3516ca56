// The family of rules/phrases.toml for a recipient "not listed in the directory" in the
// languages Domino's router is localised into (German, French, Spanish, Italian,
// Portuguese, Dutch), with wordings written here and the nearest phrases of other
// labels that must not get its label: the sender not in the directory, a local file
// or directory error, a full or disabled mailbox.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileClassifier } from '../../../src/classify/index';
import { parseReplyLine } from '../../../src/classify/reply-line';
import { SHIPPED_RULES_FILES } from '../../../src/config/server';

const ROOT = join(__dirname, '../../..');
const classifier = compileClassifier(
  SHIPPED_RULES_FILES.map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') })),
  { cacheSize: 64, uncategorizedCacheSize: 64 },
);

const MATCHES: string[] = [
  'Benutzer kmeier (k.meier@example.de) ist nicht im Domino-Verzeichnis aufgeführt',
  'Empfänger r.schulz@example.de ist nicht im Verzeichnis eingetragen',
  "Utilisateur jdupuis (j.dupuis@example.fr) non répertorié dans l'annuaire Domino",
  "Le destinataire a.petit@example.fr ne figure pas dans l'annuaire",
  'Usuario lgomez (l.gomez@example.es) no aparece en el directorio de Domino',
  'Utente mverdi (m.verdi@example.it) non presente nella directory Domino',
  'Usuário pcosta (p.costa@example.com.br) não está listado no diretório do Domino',
  'Gebruiker tvisser (t.visser@example.nl) niet vermeld in de Domino-directory',
];

const NOT_INVALID_RECIPIENT: string[] = [
  '550 Absender a@example.de ist nicht im Domino-Verzeichnis aufgeführt',
  "550 L'expéditeur n'est pas répertorié dans l'annuaire",
  '451 Datei oder Verzeichnis nicht gefunden',
  '552 Das Postfach des Benutzers ist voll',
  "550 La boîte aux lettres de l'utilisateur est désactivée",
];

describe('a recipient not listed in the directory, in translation', () => {
  it.each(MATCHES)('labels "%s" InvalidRecipient', (reply) => {
    expect(classifier.classify(parseReplyLine(reply)).label).toBe('InvalidRecipient');
  });

  it.each(NOT_INVALID_RECIPIENT)('does not label "%s" InvalidRecipient', (reply) => {
    expect(classifier.classify(parseReplyLine(reply)).label).not.toBe('InvalidRecipient');
  });
});
