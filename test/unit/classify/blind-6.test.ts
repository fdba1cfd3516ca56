// The "Blind set 6 (h69)" blocks of rules/phrases.toml: virus verdicts and connection
// failures in European languages, relaying refused in Japanese, Chinese and Korean, the
// message itself expired in European languages, a host that "accepts no mail" and
// "nobody by that name". Loaded as the bundled config loads the shipped rules. Each
// family is tested with wordings written here, other than those of the blind set
// bench/data/blind-replies-6.tsv (so that set stays a fair check), and with the nearest
// phrases of other labels that must NOT get its label: an infected sending IP, an
// antivirus that is down, a relay server that cannot be reached, a server's policy
// refusal of a connection, an account or certificate that expired, a mailbox that
// accepts no mail from the sender, a domain by that name.
import { compileClassifier } from '../../../src/classify/index';
import { describeFamilies, shippedRules } from '../../helpers/shipped-rules';

const shipped = shippedRules();

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'a virus verdict in European languages': [
    ['554 Im Anhang wurde ein Virus erkannt', 'VirusRelated'],
    ['550 Schadsoftware entdeckt, Nachricht abgewiesen', 'VirusRelated'],
    ['554 Un virus a été détecté dans la pièce jointe', 'VirusRelated'],
    ['554 Le courriel contient un virus', 'VirusRelated'],
    ['554 Se detectó un virus en el archivo adjunto', 'VirusRelated'],
    ['554 Il messaggio contiene un virus', 'VirusRelated'],
    ['554 A mensagem contém vírus', 'VirusRelated'],
    ['554 Het bericht bevat een virus', 'VirusRelated'],
    ['554 Wykryto wirusa w załączniku', 'VirusRelated'],
    ['554 Обнаружен вирус во вложении', 'VirusRelated'],
    ['554 Письмо содержит вирус', 'VirusRelated'],
  ],
  'relaying refused in Japanese, Chinese and Korean': [
    ['550 リレーは許可されていません', 'RelayDenied'],
    ['554 このドメインへの中継は禁止されています', 'RelayDenied'],
    ['550 不允许中继', 'RelayDenied'],
    ['554 中继请求被拒绝', 'RelayDenied'],
    ['550 릴레이가 허용되지 않습니다', 'RelayDenied'],
  ],
  'the connection refused or timed out in European languages': [
    ['Verbindung zu mx.example.org wurde abgelehnt', 'NoAnswerFromHost'],
    ['Connexion au serveur mx.example.org refusée', 'NoAnswerFromHost'],
    ['Conexión rechazada por mx.example.org', 'NoAnswerFromHost'],
    ['Connessione rifiutata da mx.example.org', 'NoAnswerFromHost'],
    ['Соединение с mx.example.org отклонено', 'NoAnswerFromHost'],
    ['Zeitüberschreitung beim Verbindungsaufbau zu mx.example.org', 'NoAnswerFromHost'],
    ['Timeout di connessione verso mx.example.org', 'NoAnswerFromHost'],
    ['Tempo limite de conexão esgotado (mx.example.org)', 'NoAnswerFromHost'],
    ['Превышено время ожидания соединения с mx.example.org', 'NoAnswerFromHost'],
  ],
  'the message expired in European languages': [
    ['Le message a expiré sans avoir été distribué', 'MessageExpired'],
    ['Die Nachricht ist abgelaufen und wurde gelöscht', 'MessageExpired'],
    ['Il messaggio è scaduto nella coda', 'MessageExpired'],
    ['A mensagem expirou antes da entrega', 'MessageExpired'],
    ['Het bericht is verlopen', 'MessageExpired'],
    ['Mensaje caducado: no entregado', 'MessageExpired'],
  ],
  'a host that accepts no mail': [
    ['550 This host accepts no email', 'BadDomain'],
    ['554 mx.example.org: system accepts no mail at all', 'BadDomain'],
    ['550 5.3.2 Server is not accepting mail', 'BadDomain'],
  ],
  'nobody by that name': [
    ['550 Nobody here by that name', 'InvalidRecipient'],
    ['550 There is no one with that name at this domain', 'InvalidRecipient'],
    ['550 No such person under that name', 'InvalidRecipient'],
  ],
};

/** [reply, a label it must NOT get]: the nearest phrases of other labels. */
const NEAREST: Array<[string, string]> = [
  // The sending IP infected (a blocklist text), the scanner down (a pause).
  ['550 Die IP-Adresse ist mit einem Virus infiziert', 'VirusRelated'],
  ['451 Le serveur antivirus est indisponible, réessayez plus tard', 'VirusRelated'],
  ['451 Virenprüfung fehlgeschlagen, bitte später erneut versuchen', 'VirusRelated'],
  // A relay server that cannot be reached is no refusal to relay.
  ['中継サーバーに接続できません', 'RelayDenied'],
  // The server's own refusal of the connection (policy, blocklist, limits).
  ['554 Connexion refusée : votre adresse IP est sur liste noire', 'NoAnswerFromHost'],
  ['421 Verbindung abgelehnt: zu viele Verbindungen von Ihrer IP', 'NoAnswerFromHost'],
  ['554 Verbindung abgelehnt', 'NoAnswerFromHost'],
  [
    'host mx.example.org[192.0.2.1] said: 554 Connexion refusée (in reply to RCPT TO command)',
    'NoAnswerFromHost',
  ],
  // An account, a password or a certificate that expired is no expired message.
  ['550 La cuenta del usuario ha caducado', 'MessageExpired'],
  ['Nachricht abgelehnt: das Zertifikat ist abgelaufen', 'MessageExpired'],
  ['535 Le mot de passe a expiré', 'MessageExpired'],
  // A host that accepts no mail FROM the sender; a 4xx pause.
  ['550 This server accepts no mail from your domain', 'BadDomain'],
  ['451 Server is not accepting mail right now, try again later', 'BadDomain'],
  ['550 This mailbox accepts no mail', 'BadDomain'],
  // A domain by that name is no unknown user.
  ['550 No domain by that name', 'InvalidRecipient'],
];

describe('phrase families of the shipped rules from blind set 6 (h69)', () => {
  const classifier = compileClassifier(shipped);
  describeFamilies(FAMILIES, classifier);
  describe('the nearest phrases of other labels', () => {
    it.each(NEAREST)('%j does not get %s', (line, notLabel) => {
      expect(classifier.classifyLine(line).label).not.toBe(notLabel);
    });
  });
});
