// The "Major languages (h173)" families of rules/phrases.toml: meanings the first score
// of bench/data/blind-replies-languages-8.tsv showed uncovered in the major languages
// (its header only, not its rows), written from each language's grammar: Dutch across
// every label, expiry worded as days in the queue or retries run out, SMTP login / TLS
// required, relaying worded as forwarding to external domains, suspended or locked
// accounts, a mailbox at capacity or with no space, a domain that does not exist.
// Loaded as the bundled config loads the shipped rules. Wordings written here, with the
// nearest phrases of the neighbour labels, in the same language, that must NOT get the
// family's label.
import { describeFamilies, describeNearest } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'relaying refused, worded as forwarding to external domains': [
    ['No está permitido reenviar mensajes a dominios ajenos', 'RelayDenied'],
    ['Proibido encaminhar correio para outros domínios', 'RelayDenied'],
    ['Le transfert de courrier vers des domaines tiers est interdit', 'RelayDenied'],
    ['Dış domainlere yönlendirme yasak', 'RelayDenied'],
    ['554 Onze server staat geen relaying toe', 'RelayDenied'],
    ['Doorsturen van berichten via onze server is verboden', 'RelayDenied'],
    ['Questo server non permette inoltro verso domini di terzi', 'RelayDenied'],
    ['Keine Weiterleitung zu fremden Domains', 'RelayDenied'],
    ['Relaying jest zabroniony', 'RelayDenied'],
  ],
  'SMTP login or an encrypted connection required, or SPF / DKIM / DMARC failed': [
    ['Je moet eerst aanmelden om mail te versturen', 'AuthenticationFailed'],
    ['Aanmelden is verplicht', 'AuthenticationFailed'],
    ['Tiene que autenticarse para enviar correo', 'AuthenticationFailed'],
    ['Identificación requerida', 'AuthenticationFailed'],
    ['É preciso fazer login antes de enviar', 'AuthenticationFailed'],
    ['Authentifizierung ist notwendig', 'AuthenticationFailed'],
    ['Logowanie jest wymagane', 'AuthenticationFailed'],
    ['Oturum açmanız gerekiyor', 'AuthenticationFailed'],
    ['Нужно авторизоваться перед отправкой', 'AuthenticationFailed'],
    ['Autenticazione obbligatoria', 'AuthenticationFailed'],
    ['Le serveur exige une connexion TLS', 'AuthenticationFailed'],
    ['Uso de TLS obrigatório neste servidor', 'AuthenticationFailed'],
    ['STARTTLS ist erforderlich', 'AuthenticationFailed'],
    ['Połączenie SSL jest obowiązkowe', 'AuthenticationFailed'],
    ['Het bericht zakt voor de DMARC-controle', 'AuthenticationFailed'],
  ],
  "the sender's address refused (Dutch)": [
    ['553 Afzender is geweigerd', 'InvalidSender'],
    ['Ongeldige afzender', 'InvalidSender'],
  ],
  "the recipient's account suspended or locked": [
    ['Deze postbus is geschorst', 'InactiveMailbox'],
    ['Vergrendeld account', 'InactiveMailbox'],
    ['A conta do destinatário foi suspensa', 'InactiveMailbox'],
    ["L'utilisateur est suspendu", 'InactiveMailbox'],
    ['Учетная запись отключена', 'InactiveMailbox'],
    ['Hesabınız askıya alındı', 'InactiveMailbox'],
  ],
  'a mailbox at its capacity, with no space, or a message too big': [
    ['Onvoldoende opslagruimte in de mailbox van de ontvanger', 'QuotaIssues'],
    ['Het opslagquotum is overschreden', 'QuotaIssues'],
    ['Capacité maximale de la boîte atteinte', 'QuotaIssues'],
    ['Die Mailbox hat die Kapazität überschritten', 'QuotaIssues'],
    ['Capacità della casella superata', 'QuotaIssues'],
    ['Osiągnięto maksymalną pojemność skrzynki', 'QuotaIssues'],
    ['Posta kutusu kapasitesi doldu', 'QuotaIssues'],
    ['No hay espacio libre en el buzón', 'QuotaIssues'],
    ['Não há espaço na caixa de entrada', 'QuotaIssues'],
    ["La boîte de l'utilisateur manque d'espace", 'QuotaIssues'],
    ['Skrzynka adresata: brak wolnego miejsca', 'QuotaIssues'],
    ['Недостаточно места в почтовом ящике', 'QuotaIssues'],
    ['Posta kutusunda alan yok', 'QuotaIssues'],
    ['E-mail is groter dan de limiet', 'QuotaIssues'],
  ],
  'the recipient domain does not exist or has no MX': [
    ['MX-record voor het domein ontbreekt', 'BadDomain'],
    ['550 Het domein bestaat niet', 'BadDomain'],
    ['Niet-bestaand domein', 'BadDomain'],
    ['Il dominio indicato non esiste', 'BadDomain'],
    ['Домен получателя отсутствует', 'BadDomain'],
    ['Empfängerdomain nicht gefunden', 'BadDomain'],
    ['Domena nieznana', 'BadDomain'],
  ],
  'no mailbox or user by that name (Dutch)': [
    ['Er bestaat geen gebruiker met die naam', 'InvalidRecipient'],
    ['Ontvanger is hier niet bekend', 'InvalidRecipient'],
  ],
  'a Dutch spam verdict on the message': [
    ['Dit bericht bevat waarschijnlijk spam', 'SpamContent'],
    ['Geblokkeerd door ons spamfilter', 'SpamContent'],
  ],
  'delivery given up after days in the queue or its retries': [
    ['De bewaartijd in de wachtrij is verstreken', 'MessageExpired'],
    ['Na meerdere bezorgpogingen opgegeven', 'MessageExpired'],
    ['Na 3 dagen is de bezorging mislukt', 'MessageExpired'],
    ['Geen bezorging binnen 48 uur', 'MessageExpired'],
    ['Se han agotado los intentos de entrega', 'MessageExpired'],
    ['Tras 5 días en cola se devuelve el mensaje', 'MessageExpired'],
    ['Esgotaram-se as tentativas de entrega', 'MessageExpired'],
    ['Tempo na fila excedido', 'MessageExpired'],
    ['Délai de remise dépassé', 'MessageExpired'],
    ['Message non distribué après 4 jours', 'MessageExpired'],
    ['Zustellversuche erschöpft', 'MessageExpired'],
    ['Tentativi di recapito esauriti', 'MessageExpired'],
    ['Wyczerpano limit prób doręczenia', 'MessageExpired'],
    ['Попытки доставки исчерпаны', 'MessageExpired'],
    ['Срок хранения письма в очереди истёк', 'MessageExpired'],
    ['Teslimat denemeleri tükendi', 'MessageExpired'],
  ],
};

/** [reply, a label it must NOT get]: the nearest phrases of the neighbour labels. */
const NEAREST: Array<[string, string]> = [
  // A user's own forwarding rule that failed is no relay refusal.
  ['Su regla de reenvío ha fallado', 'RelayDenied'],
  ['Uw doorstuurregel is mislukt', 'RelayDenied'],
  ['O encaminhamento automático da sua conta falhou', 'RelayDenied'],
  ['Inoltro automatico non riuscito', 'RelayDenied'],
  // A sending limit or quota reached is a rate, not a full mailbox.
  ['U heeft uw verzendlimiet bereikt', 'QuotaIssues'],
  ["Vous avez atteint votre limite d'envoi", 'QuotaIssues'],
  ['Przekroczono limit wysyłki', 'QuotaIssues'],
  ['Sie haben Ihr Sendekontingent überschritten', 'QuotaIssues'],
  // A delay warning gives nothing up; a login-attempt limit names login, not delivery;
  // a connection's wait that ran out names the connection.
  ['Bezorging vertraagd, we blijven het proberen', 'MessageExpired'],
  ['Bezorging vertraagd, nieuwe poging over 2 uur', 'MessageExpired'],
  ['Die Zustellung verzögert sich, weitere Versuche folgen', 'MessageExpired'],
  ['Zustellversuch fehlgeschlagen, neuer Versuch in 30 Minuten', 'MessageExpired'],
  ['Превышено число попыток входа', 'MessageExpired'],
  ['Nombre maximal de tentatives de connexion atteint', 'MessageExpired'],
  ['Время ожидания соединения истекло', 'MessageExpired'],
  ['Bağlantı zaman aşımına uğradı', 'MessageExpired'],
  // A blocked IP is no suspended account; an unknown user is not a suspended one.
  ['Uw IP-adres is geblokkeerd', 'InactiveMailbox'],
  ['Utilisateur inconnu, message bloqué', 'InactiveMailbox'],
  // A message refused from a sender is no refused sender address; nor is a recipient.
  ['Bericht van afzender geweigerd als spam', 'InvalidSender'],
  ['Ontvanger geweigerd', 'InvalidSender'],
  // A user not found in the domain is an unknown user, not a bad domain.
  ['Gebruiker niet gevonden in dit domein', 'BadDomain'],
  ['Gebruiker onbekend in dit domein', 'BadDomain'],
  ['Пользователь не найден в домене', 'BadDomain'],
  // An expired or failed TLS certificate / handshake has no "required".
  ['Het TLS-certificaat is verlopen', 'AuthenticationFailed'],
  ['TLS-handshake mislukt', 'AuthenticationFailed'],
  // No room in the mailbox is a full mailbox, not an unknown user; the sender's address
  // unknown is not the recipient.
  ['Er is geen ruimte in de mailbox', 'InvalidRecipient'],
  ['Afzenderadres is niet bekend', 'InvalidRecipient'],
  // A listed IP gets no content verdict.
  ['Uw IP staat op een spamlijst', 'SpamContent'],
];

describeFamilies(FAMILIES);
describeNearest(NEAREST);
