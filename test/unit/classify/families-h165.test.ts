// A sending quota is a rate, a storage quota is a full mailbox (h165): rules/context.toml's
// "sending quota or limit" row gives TransientFailure back to a quota or limit the line
// binds to sending (a sending word before it, "of sending / de envio / d'envoi / wysyłki /
// на отправку" after it, a rate adjective, or a span "per hour / por día / na godzinę"),
// which QuotaIssues' "quota exceeded" families read first. Wordings written here in English,
// Portuguese, Spanish, Polish, German, French, Russian and Italian, none taken from the open
// sets; the nearest phrases are mailbox, storage and disk quotas, a bare "quota exceeded"
// and a message-size limit, which stay QuotaIssues.
import { describeFamilies, describeNearest } from '../../helpers/shipped-rules';

const RATE = 'TransientFailure';
const FULL = 'QuotaIssues';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'a sending quota or limit, in English (Exchange Online submission quota included)': [
    ['550 5.7.1 Your outgoing mail quota for today has been used up', RATE],
    ['Message refused: this account exceeded its quota of messages sent per day', RATE],
    ['452 4.2.2 The hourly sending quota of this mailbox was exceeded', RATE],
    ['550 5.2.2 Submission quota exceeded', RATE],
  ],
  'a sending quota in Portuguese and Spanish': [
    ['Excedeu a quota diária de envio de mensagens desta conta', RATE],
    ['452 4.2.2 Cota de envio por hora excedida, aguarde', RATE],
    ['O limite de mensagens enviadas por dia foi ultrapassado', RATE],
    ['Se ha superado la cuota de envío diaria de su cuenta', RATE],
    ['550 Cuota de envío por hora excedida', RATE],
    ['Ha excedido el límite de mensajes enviados por día', RATE],
  ],
  'a sending limit in Polish and German': [
    ['Przekroczono dzienny limit wysyłanych wiadomości', RATE],
    ['450 Limit wysyłki na godzinę został przekroczony', RATE],
    ['Das stündliche Versandkontingent wurde überschritten', RATE],
    ['550 Tägliches Sendelimit überschritten', RATE],
    ['Kontingent für ausgehende Nachrichten überschritten', RATE],
  ],
  'a sending quota in French, Russian and Italian': [
    ["Quota d'envoi journalier dépassé", RATE],
    ["Vous avez dépassé le quota d'envoi horaire de votre compte", RATE],
    ['452 Dépassement du quota de messages envoyés par heure', RATE],
    ['Превышена квота на отправку писем', RATE],
    ['550 Превышен суточный лимит исходящих сообщений', RATE],
    ['Квота отправки исчерпана, повторите позже', RATE],
    ['Superata la quota di invio giornaliera', RATE],
    ['È stato superato il limite orario di messaggi inviati', RATE],
    ['452 Quota di invio oraria superata', RATE],
  ],
  'a mailbox, storage or disk quota stays a full mailbox, as does "quota exceeded" alone': [
    ['552 5.2.2 Mailbox quota exceeded', FULL],
    ['550 quota exceeded', FULL],
    ['550 Quota exceeded for user john', FULL],
    ['550 5.2.2 The email account that you tried to reach is over quota', FULL],
    ['Storage limit reached, the message could not be sent', FULL],
    ['552 5.3.4 Outgoing message size limit exceeded', FULL],
    ['A caixa postal do destinatário excedeu a quota de armazenamento', FULL],
    ['Quota de disco excedida', FULL],
    ['El buzón ha superado su cuota de almacenamiento', FULL],
    ['Przekroczono limit miejsca w skrzynce odbiorcy', FULL],
    ['Przekroczony limit pojemności skrzynki', FULL],
    ['Speicherkontingent überschritten', FULL],
    ['Das Postfach hat sein Kontingent überschritten', FULL],
    ['Quota de la boîte aux lettres dépassé', FULL],
    ['Dépassement du quota de stockage du destinataire', FULL],
    ['Превышена квота почтового ящика', FULL],
    ['La casella ha superato la quota di spazio disponibile', FULL],
    ['Quota della casella superata, messaggio non inviato', FULL],
  ],
};

describeFamilies(FAMILIES);

describeNearest([
  // A full mailbox whose message was "not sent" names no sending quota.
  ['Quota della casella superata, messaggio non inviato', RATE],
  ['Storage limit reached, the message could not be sent', RATE],
  // The size of an outgoing message is its size, not a count of messages.
  ['552 5.3.4 Outgoing message size limit exceeded', RATE],
  // The mailbox's own quota in Polish and Russian.
  ['Przekroczono limit miejsca w skrzynce odbiorcy', RATE],
  ['Превышена квота почтового ящика', RATE],
]);
