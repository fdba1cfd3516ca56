// The "Languages-8 (h163)" blocks of rules/phrases.toml: malicious software found (Spanish /
// Portuguese), relaying refused without "relay denied", an encrypted connection or SMTP
// authentication required, an account closed or locked (German / Dutch), the mailbox at its
// capacity, the recipient's domain not found, an address assigned to no mailbox, expiry
// after days in the queue or days of retries, too many messages in a span and a named
// sending limit, and a message that breaks the provider's rules, in the major languages
// bench/data/blind-replies-languages-8.tsv covers (Spanish, Portuguese, French, German,
// Italian, Dutch, Polish, Russian, Turkish). Each family is tested with wordings written
// here, other than the set's, and with the nearest phrases of other labels that must NOT
// get its label (a blocked IP beside a locked account, the sender's domain beside the
// recipient's, a delay warning beside an expiry, a mailbox holding too many messages beside
// a sending rate, advice about malware beside a verdict).
import { describeFamilies, describeNearest } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'malicious software found, in Spanish and Portuguese': [
    ['Hemos detectado software malicioso en el documento adjunto', 'VirusRelated'],
    ['554 Código malicioso encontrado na mensagem; entrega cancelada', 'VirusRelated'],
    ['Foi identificado um arquivo malicioso no anexo', 'VirusRelated'],
  ],
  'relaying refused without the words "relay denied"': [
    ['Nuestro servidor no retransmite mensajes hacia dominios externos', 'RelayDenied'],
    ['550 Não é permitida a retransmissão para este destino', 'RelayDenied'],
    ['Wir leiten keine E-Mails für andere Domains weiter', 'RelayDenied'],
    ['Relaying nicht erlaubt', 'RelayDenied'],
    ['Het doorzenden van mail naar andere domeinen is niet toegelaten', 'RelayDenied'],
  ],
  'an encrypted connection or SMTP authentication required': [
    ['Eine verschlüsselte Verbindung ist erforderlich', 'AuthenticationFailed'],
    ['Il server richiede una connessione cifrata', 'AuthenticationFailed'],
    ['Połączenie szyfrowane jest wymagane', 'AuthenticationFailed'],
    ['Требуется зашифрованное соединение', 'AuthenticationFailed'],
    ['Se requiere autenticación para usar este servidor', 'AuthenticationFailed'],
    ['Authentifizierung erforderlich', 'AuthenticationFailed'],
    ['Autenticação obrigatória antes do envio', 'AuthenticationFailed'],
  ],
  'the account closed or locked, in German and Dutch': [
    ['Das Benutzerkonto wurde stillgelegt', 'InactiveMailbox'],
    ['Dieses Postfach ist aufgelöst worden', 'InactiveMailbox'],
    ['De postbus van deze gebruiker is gesloten', 'InactiveMailbox'],
    ['Het account is door de eigenaar opgezegd', 'InactiveMailbox'],
  ],
  'the mailbox at its capacity': [
    ['La casilla del usuario ha llegado a su espacio máximo', 'QuotaIssues'],
    ['A caixa postal atingiu a capacidade total', 'QuotaIssues'],
    ['La casella ha raggiunto la capienza massima', 'QuotaIssues'],
    ['Mailbox van de gebruiker is helemaal vol', 'QuotaIssues'],
    ['Почтовый ящик исчерпал свой объём', 'QuotaIssues'],
  ],
  "the recipient's domain not found": [
    ['Le domaine du destinataire est introuvable', 'BadDomain'],
    ['Dominio del destinatario non trovato', 'BadDomain'],
    ['Nie można znaleźć domeny odbiorcy.', 'BadDomain'],
    ['No se pudo encontrar el dominio del destinatario', 'BadDomain'],
  ],
  'an address assigned to no mailbox': [
    ["L'adresse indiquée n'est associée à aucun compte", 'InvalidRecipient'],
    ['Esta dirección no corresponde a ningún usuario', 'InvalidRecipient'],
    ['Este endereço não está associado a nenhuma conta', 'InvalidRecipient'],
    ['Такого получателя у нас нет', 'InvalidRecipient'],
  ],
  'given up after days in the queue or days of retries': [
    ['Le message est resté dans la file d’attente 4 jours et a été supprimé', 'MessageExpired'],
    ['Il messaggio è rimasto in coda per 3 giorni e non è stato consegnato', 'MessageExpired'],
    ['Nachricht lag 5 Tage in der Warteschlange und wurde nicht zugestellt', 'MessageExpired'],
    ['Após três dias de tentativas a mensagem foi descartada', 'MessageExpired'],
    ['Na vier dagen van pogingen is de bezorging gestopt', 'MessageExpired'],
  ],
  'too many messages in a span, or a named sending limit': [
    ['Trop de messages envoyés depuis votre compte, réessayez plus tard', 'TransientFailure'],
    ['Zbyt wiele wiadomości w krótkim czasie', 'TransientFailure'],
    ['Слишком много писем за минуту', 'TransientFailure'],
    ['Günlük gönderim limiti aşıldı', 'TransientFailure'],
    ['Versandlimit für heute erreicht', 'TransientFailure'],
  ],
  "a message that breaks the provider's rules": [
    ['Сообщение нарушает политику безопасности получателя', 'PolicyRelated'],
    ['Wiadomość narusza zasady serwisu', 'PolicyRelated'],
    ['Dit bericht overtreedt het beleid van de ontvanger', 'PolicyRelated'],
    ['Die Nachricht verstößt gegen unsere Nutzungsbedingungen', 'PolicyRelated'],
  ],
};

describeFamilies(FAMILIES);

describeNearest([
  // Advice about malware is no verdict on this message.
  ['Evite abrir enlaces que contengan software malicioso', 'VirusRelated'],
  // Plain forwarding set up by a user is not relaying refused.
  ['Se ha activado el reenvío automático a otra cuenta', 'RelayDenied'],
  // An encrypted message that could not be read is not a TLS requirement.
  ['Le message chiffré n’a pas pu être lu par le destinataire', 'AuthenticationFailed'],
  // A blocked IP or sender is a block, not a closed account.
  ['554 Ihre IP-Adresse ist gesperrt', 'InactiveMailbox'],
  ['554 Uw IP-adres is geblokkeerd wegens spam', 'InactiveMailbox'],
  // The message's size against the mailbox is mesgtoobig (QuotaIssues accepted there too),
  // but a sending limit named after the mailbox is a rate.
  ['Превышен лимит отправки писем с этого ящика', 'QuotaIssues'],
  // A mailbox that holds too many messages is not a sending rate.
  ['De postbus bevat te veel berichten', 'TransientFailure'],
  // The sender's domain not found is about our sender, not the recipient's domain.
  ['Het domein van de afzender kon niet worden gevonden', 'BadDomain'],
  ['Não foi possível encontrar o domínio do remetente', 'BadDomain'],
  // No room in the recipient's box is a full mailbox, not an unknown one.
  ['Места в ящике получателя нет', 'InvalidRecipient'],
  // A delay warning has no verdict: not expired.
  [
    'Die Nachricht liegt seit 2 Tagen in der Warteschlange, neuer Versuch in einer Stunde',
    'MessageExpired',
  ],
  ['A mensagem está na fila há 2 dias e será tentada novamente', 'MessageExpired'],
  // A DMARC failure is the sender's authentication, not the receiver's rules.
  ['Письмо не прошло проверку DMARC', 'PolicyRelated'],
]);
