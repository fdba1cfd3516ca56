// The European-language phrase families of rules/phrases.toml (the "European
// languages (i30)" blocks), loaded as the bundled config loads the shipped rules.
// Each family is tested with wordings written here, other than those of the blind set
// bench/data/blind-replies-languages.tsv (so that set stays a fair check): other word
// orders, inflections, providers' phrasings and codes; and with the nearest phrases of
// other labels that must NOT get its label (the sender beside the recipient, a full
// mailbox beside a disabled one, the domain beside the user, the IP beside the message).
import { describeFamilies } from '../../helpers/shipped-rules';

const FAMILIES: Record<string, Array<[string, string]>> = {
  'the recipient unknown': [
    ['550 Der Benutzer ist uns nicht bekannt: Empfänger existiert nicht', 'InvalidRecipient'],
    ['550 5.5.0 Adressat unbekannt', 'InvalidRecipient'],
    ['550 Unbekannter Empfänger <anna@example.de>', 'InvalidRecipient'],
    ["550 L'adresse électronique du destinataire est invalide", 'InvalidRecipient'],
    ['550 Utilisateur <luc@example.fr> inexistant', 'InvalidRecipient'],
    ['550 El usuario indicado no existe en este servidor', 'InvalidRecipient'],
    ['550 Indirizzo del destinatario non valido', 'InvalidRecipient'],
    ["550 L'utente richiesto non esiste", 'InvalidRecipient'],
    ['550 O usuário informado não existe', 'InvalidRecipient'],
    ['550 Onbekende ontvanger', 'InvalidRecipient'],
    ['550 Adres odbiorcy nie istnieje', 'InvalidRecipient'],
    ['550 Příjemce nebyl nalezen', 'InvalidRecipient'],
    ['550 Адресат не существует', 'InvalidRecipient'],
    ['550 Нет такого пользователя', 'InvalidRecipient'],
    ['550 Mottagaren hittades inte', 'InvalidRecipient'],
    ['550 Vastaanottajaa ei löydy', 'InvalidRecipient'],
    // Nearest phrases of other labels.
    ['550 Absender unbekannt', 'InvalidSender'],
    ["553 L'adresse de l'expéditeur est invalide", 'InvalidSender'],
    ['550 Dominio del destinatario inexistente', 'BadDomain'],
    ['552 Postfach des Benutzers voll', 'QuotaIssues'],
    ['550 Konto des Empfängers gesperrt', 'InactiveMailbox'],
  ],
  'the account disabled or closed': [
    ['550 Das E-Mail-Konto wurde deaktiviert', 'InactiveMailbox'],
    ['550 Gesperrtes Postfach', 'InactiveMailbox'],
    ['550 Ce compte a été suspendu', 'InactiveMailbox'],
    ['550 La cuenta de correo ha sido dada de baja', 'InactiveMailbox'],
    ['550 Casella di posta bloccata', 'InactiveMailbox'],
    ['550 Caixa postal bloqueada pelo administrador', 'InactiveMailbox'],
    ['550 Mailbox is geblokkeerd', 'InactiveMailbox'],
    ['550 Skrzynka została zablokowana', 'InactiveMailbox'],
    ['550 Schránka byla zrušena', 'InactiveMailbox'],
    ['550 Аккаунт отключен', 'InactiveMailbox'],
    ['550 Postlådan är spärrad', 'InactiveMailbox'],
    // Nearest phrases of other labels.
    ['554 Die IP-Adresse ist gesperrt', 'SpamBlock'],
    ['554 Adresse IP 192.0.2.9 bloquée', 'SpamBlock'],
    ['552 Compte plein', 'QuotaIssues'],
    ['550 Compte inconnu', 'InvalidRecipient'],
  ],
  'the mailbox full or the message too large': [
    ['452 Postfach voll, bitte später erneut versuchen', 'QuotaIssues'],
    ['550 Le quota de la boîte aux lettres est dépassé', 'QuotaIssues'],
    ['550 Se ha superado la cuota del buzón', 'QuotaIssues'],
    ['550 Spazio disponibile esaurito', 'QuotaIssues'],
    ['550 Caixa de correio do destinatário está cheia', 'QuotaIssues'],
    ['550 De mailbox van de ontvanger is vol', 'QuotaIssues'],
    ['550 Skrzynka pocztowa przepełniona', 'QuotaIssues'],
    ['550 Превышен лимит почтового ящика: ящик переполнен', 'QuotaIssues'],
    ['550 Inkorgen är full', 'QuotaIssues'],
    ['550 Die E-Mail ist zu groß für dieses Postfach', 'QuotaIssues'],
    ['550 Votre message est trop volumineux', 'QuotaIssues'],
    ['550 El tamaño del mensaje excede el máximo permitido', 'QuotaIssues'],
    ["550 L'allegato è troppo grande", 'QuotaIssues'],
    ['550 Размер письма превышает допустимый', 'QuotaIssues'],
    // Nearest phrases of other labels.
    ['550 Postfach unbekannt', 'InvalidRecipient'],
    ['550 Boîte aux lettres désactivée', 'InactiveMailbox'],
    ['550 Casella inesistente', 'InvalidRecipient'],
    // A volume ("vol") word inside another word is no full mailbox.
    ['550 Mailbox volgt niet', 'Uncategorized'],
  ],
  'the domain does not exist': [
    ['550 Die Zieldomain existiert nicht', 'BadDomain'],
    ['550 Le domaine example.fr est introuvable', 'BadDomain'],
    ['550 Dominio de destino desconocido', 'BadDomain'],
    ['550 Il dominio non esiste', 'BadDomain'],
    ['550 Domínio não encontrado', 'BadDomain'],
    ['550 Onbekend domein', 'BadDomain'],
    ['550 Nieznana domena', 'BadDomain'],
    ['550 Домен example.ru не найден', 'BadDomain'],
    // Nearest phrases of other labels.
    ['553 Domaine de l.expéditeur inconnu', 'InvalidSender'],
    ['550 Utilisateur inconnu dans ce domaine', 'InvalidRecipient'],
  ],
  'relaying refused': [
    ['550 Relaying ist nicht erlaubt', 'RelayDenied'],
    ['554 Relais refusé pour <a@example.org>', 'RelayDenied'],
    ['550 El relay está denegado', 'RelayDenied'],
    ['550 Relay vietato', 'RelayDenied'],
    ['550 Ретрансляция почты не разрешена', 'RelayDenied'],
    // Nearest phrases of other labels.
    ['554 Message refusé comme spam', 'SpamContent'],
  ],
  'refused as spam': [
    ['554 Die E-Mail wurde als Spam erkannt und abgelehnt', 'SpamContent'],
    ['554 Spamverdacht: Nachricht abgelehnt', 'SpamContent'],
    ['554 Courriel rejeté: considéré comme pourriel', 'SpamContent'],
    ['554 Mensaje identificado como spam', 'SpamContent'],
    ['554 Il messaggio è stato considerato spam', 'SpamContent'],
    ['554 Bericht herkend als spam', 'SpamContent'],
    ['554 Wiadomość rozpoznana jako spam', 'SpamContent'],
    ['554 Письмо распознано как спам', 'SpamContent'],
    // Nearest phrases of other labels.
    ['554 Ihre IP steht auf der schwarzen Liste', 'SpamBlock'],
    ['554 Adresse IP sur liste noire', 'SpamBlock'],
    ['554 Indirizzo IP bloccato', 'SpamBlock'],
    ['554 IP-адрес отправителя заблокирован', 'SpamBlock'],
    ['554 Adres IP znajduje się na czarnej liście', 'SpamBlock'],
  ],
  'refused by policy': [
    ['554 Nachricht verstößt gegen die Richtlinien', 'PolicyRelated'],
    ['554 Refusé par la politique du domaine', 'PolicyRelated'],
    ['554 Odrzucono zgodnie z polityką serwera', 'PolicyRelated'],
    // Nearest phrases of other labels.
    ['554 Refusé par la politique anti-spam', 'SpamRelated'],
  ],
  'not delivered in time': [
    ['Die E-Mail konnte nicht innerhalb von 48 Stunden zugestellt werden', 'MessageExpired'],
    ["Votre message n'a pas pu être distribué dans les 3 jours", 'MessageExpired'],
    [
      'No fue posible entregar: el mensaje no pudo ser entregado dentro de 4 días',
      'MessageExpired',
    ],
    ['Consegna abbandonata dopo 5 giorni', 'MessageExpired'],
    ['Сообщение не может быть доставлено в течение 3 суток', 'MessageExpired'],
    ['Zustellfrist abgelaufen', 'MessageExpired'],
    // Nearest phrases of other labels: a retry announced is no expiry.
    ['451 Bitte versuchen Sie es in 2 Stunden erneut', 'TransientFailure'],
    // (h89) The failure and, after a comma, the next try announced for a period.
    ['451 4.3.0 El mensaje no pudo ser entregado, se reintentará en 4 horas', 'TransientFailure'],
    ['550 5.4.7 El mensaje no pudo ser entregado en 3 días', 'MessageExpired'],
  ],
  'weak words: the mailbox unavailable, a bare refusal (no or a generic enhanced code)': [
    ['550 Der Benutzer ist derzeit nicht verfügbar', 'InvalidRecipient'],
    ['550 5.0.0 Utente non disponibile', 'InvalidRecipient'],
    ['550 Skrzynka niedostępna', 'InvalidRecipient'],
    ['554 Zpráva odmítnuta', 'PolicyRelated'],
    ['554 5.0.0 Courriel rejeté', 'PolicyRelated'],
    ['550 Письмо отвергнуто', 'PolicyRelated'],
    // A specific enhanced code, or a reason beside the refusal, decides instead.
    ['554 5.2.2 Messaggio rifiutato', 'QuotaIssues'],
    ['554 Mensaje rechazado: buzón lleno', 'QuotaIssues'],
    ['554 Nachricht abgelehnt: als Spam eingestuft', 'SpamContent'],
    // Unavailable said of a server or service is no mailbox.
    ['421 Dienst nicht verfügbar, bitte später erneut versuchen', 'TransientFailure'],
  ],
  'try again later, too many connections': [
    ['451 Bitte versuchen Sie es später noch einmal', 'TransientFailure'],
    ['421 Service indisponible, réessayez un peu plus tard', 'TransientFailure'],
    ['451 Por favor, inténtelo más tarde', 'TransientFailure'],
    ['421 Troppe connessioni dal tuo indirizzo', 'TransientFailure'],
    ['421 Te veel verbindingen vanaf uw IP', 'TransientFailure'],
    ['451 Повторите попытку позже', 'TransientFailure'],
  ],
};

describe('European-language phrase families of the shipped rules', () => {
  describeFamilies(FAMILIES);
});
