// The "Major languages round 2 (h177)" families of rules/phrases.toml: each meaning as
// Spanish, Portuguese, French, German, Italian, Polish, Russian and Turkish grammar says
// it (noun-first passives, verb-first sentences, impersonal and reflexive forms, the
// "no user matches" construction, adjective before or after its noun), without the reply
// code that usually carries a reply. Loaded as the bundled config loads the shipped rules.
// Wordings written here, with the nearest phrases of the neighbour labels, in the same
// language, that must NOT get the family's label.
import { describeFamilies, describeNearest } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'malware named by its compound noun, with a verb of holding or finding': [
    ['El archivo adjunto contiene software malicioso', 'VirusRelated'],
    ['Software malicioso detectado en el mensaje', 'VirusRelated'],
    ['Ce courriel contient un logiciel malveillant', 'VirusRelated'],
    ["L'e-mail contiene software dannoso", 'VirusRelated'],
    ['Załącznik zawiera złośliwe oprogramowanie', 'VirusRelated'],
    ['Во вложении обнаружена вредоносная программа', 'VirusRelated'],
    ['Письмо содержит вредоносный код', 'VirusRelated'],
    ['Ek dosya zararlı yazılım içeriyor', 'VirusRelated'],
  ],
  'an attachment file type refused, in any order of type, attachment and refusal': [
    ['No se admiten adjuntos con esta extensión', 'ProhibitedAttachment'],
    ['Ficheiros executáveis não são permitidos como anexo', 'ProhibitedAttachment'],
    ['Ce type de pièce jointe est interdit', 'ProhibitedAttachment'],
    ['Anhänge dieses Typs sind nicht erlaubt', 'ProhibitedAttachment'],
    ['Allegati di questo tipo non sono ammessi', 'ProhibitedAttachment'],
    ['Pliki wykonywalne są zabronione jako załącznik', 'ProhibitedAttachment'],
    ['Вложения такого типа запрещены', 'ProhibitedAttachment'],
    ['Bu tür ek dosyalar kabul edilmiyor: ek türü yasak', 'ProhibitedAttachment'],
  ],
  'relaying refused as not taking mail for domains the server does not host': [
    ['Este servidor no entrega correo para otros dominios', 'RelayDenied'],
    ['O servidor não encaminha mensagens para domínios externos', 'RelayDenied'],
    [
      'Nous ne relayons pas : ce serveur ne transmet pas le courrier vers des domaines tiers',
      'RelayDenied',
    ],
    ['Wir nehmen keine Nachrichten für fremde Domains an', 'RelayDenied'],
    ['Il server non accetta posta per altri domini', 'RelayDenied'],
    ['Ten serwer nie przyjmuje poczty dla obcych domen', 'RelayDenied'],
    ['Ретрансляция почты запрещена', 'RelayDenied'],
    ['Sunucumuz diğer alan adlarına posta aktarmaz', 'RelayDenied'],
    ['Não fazemos relay para terceiros', 'RelayDenied'],
  ],
  'SMTP login required before sending': [
    ['Inicie sesión antes de enviar correo', 'AuthenticationFailed'],
    ['Es necesario el inicio de sesión', 'AuthenticationFailed'],
    ['Efetue o login antes de enviar mensagens', 'AuthenticationFailed'],
    ["Veuillez vous authentifier avant d'envoyer", 'AuthenticationFailed'],
    ['Bitte melden Sie sich an, um E-Mails zu versenden', 'AuthenticationFailed'],
    ['Effettua il login prima di inviare', 'AuthenticationFailed'],
    ['Należy się zalogować przed wysyłką', 'AuthenticationFailed'],
  ],
  'an encrypted connection required, adjective and requirement in either order': [
    ['Es obligatoria una conexión cifrada', 'AuthenticationFailed'],
    ['Conexão criptografada obrigatória', 'AuthenticationFailed'],
    ['Une connexion chiffrée est requise', 'AuthenticationFailed'],
    ['Verschlüsselte Verbindung erforderlich', 'AuthenticationFailed'],
    ['Connessione crittografata obbligatoria', 'AuthenticationFailed'],
    ['Połączenie szyfrowane jest obowiązkowe', 'AuthenticationFailed'],
    ['Необходимо зашифрованное соединение', 'AuthenticationFailed'],
    ['Şifreli bağlantı gerekli', 'AuthenticationFailed'],
  ],
  'SPF / DKIM / DMARC named with a failure participle or adjective': [
    ['La comprobación DKIM ha fallado: firma inválida', 'AuthenticationFailed'],
    ['Verificação SPF falhou', 'AuthenticationFailed'],
    ['Vérification DKIM échouée', 'AuthenticationFailed'],
    ['Fehlerhafte DKIM-Signatur', 'AuthenticationFailed'],
    ['Controllo SPF fallito', 'AuthenticationFailed'],
    ['Podpis DKIM nieprawidłowy', 'AuthenticationFailed'],
    ['Проверка DMARC не пройдена', 'AuthenticationFailed'],
    ['DKIM imzası geçersiz', 'AuthenticationFailed'],
  ],
  "the sender's address refused, not authorised or not registered": [
    ['El remitente no está permitido en este servidor', 'InvalidSender'],
    ['O remetente não é válido', 'InvalidSender'],
    ["L'expéditeur n'est pas accepté", 'InvalidSender'],
    ['Der Absender ist nicht zugelassen', 'InvalidSender'],
    ['Il mittente non è accettato', 'InvalidSender'],
    ['Nadawca nie jest akceptowany', 'InvalidSender'],
    ['550 Отправитель не принят', 'InvalidSender'],
    ['550 Gönderen adresi geçersiz', 'InvalidSender'],
    ['La dirección del remitente no está registrada', 'InvalidSender'],
  ],
  "the recipient's mailbox no longer active, switched off or removed for inactivity": [
    ['La cuenta del usuario ya no está activa', 'InactiveMailbox'],
    ['A conta encontra-se inativa', 'InactiveMailbox'],
    ["Cette boîte n'est plus utilisée", 'InactiveMailbox'],
    ['Das Postfach ist nicht mehr in Benutzung', 'InactiveMailbox'],
    ['Questo indirizzo non risulta più attivo', 'InactiveMailbox'],
    ['Konto zostało wyłączone z powodu długiej nieaktywności', 'InactiveMailbox'],
    ['Учётная запись пользователя закрыта', 'InactiveMailbox'],
    ['Деактивирован почтовый ящик получателя', 'InactiveMailbox'],
    ['Alıcının hesabı dondurulmuş', 'InactiveMailbox'],
    ['Uzun süredir kullanılmayan hesap', 'InactiveMailbox'],
  ],
  'the recipient out of room, said without the mailbox noun': [
    ['El usuario se quedó sin espacio', 'QuotaIssues'],
    ['Não há mais espaço para este destinatário', 'QuotaIssues'],
    ['Le quota de votre correspondant est saturé', 'QuotaIssues'],
    ['Plus de place dans la messagerie du destinataire', 'QuotaIssues'],
    ['Der Empfänger hat keinen Platz mehr', 'QuotaIssues'],
    ['Lo spazio disponibile è esaurito', 'QuotaIssues'],
    ['Odbiorcy zabrakło miejsca', 'QuotaIssues'],
    ['Odbiorca ma pełną skrzynkę', 'QuotaIssues'],
    ['У адресата не осталось свободного места', 'QuotaIssues'],
    ['Alıcının hesabında alan kalmadı', 'QuotaIssues'],
    ['Posta kutusu kapasitesi doldu', 'QuotaIssues'],
  ],
  'a message over the size limit in Portuguese and Turkish predicate order': [
    ['O anexo é grande demais', 'QuotaIssues'],
    ['E-posta boyutu sınırı aşıyor', 'QuotaIssues'],
    ['Mesajınız aşırı büyük', 'QuotaIssues'],
  ],
  'the address or account not registered, not found, or matched by no user': [
    ['La cuenta indicada no figura registrada', 'InvalidRecipient'],
    ['O destinatário não consta registado', 'InvalidRecipient'],
    ["Le destinataire n'est pas inscrit chez nous", 'InvalidRecipient'],
    ['Der Benutzer ist hier nicht registriert', 'InvalidRecipient'],
    ["L'utente non risulta registrato", 'InvalidRecipient'],
    ['Odbiorca nie został zarejestrowany', 'InvalidRecipient'],
    ['Пользователь не зарегистрирован', 'InvalidRecipient'],
    ['Alıcı kayıtlı değil', 'InvalidRecipient'],
    ['Aucune adresse ne correspond à ce destinataire', 'InvalidRecipient'],
    ['Nessun utente corrisponde al destinatario', 'InvalidRecipient'],
    ['Ningún buzón corresponde a esa dirección', 'InvalidRecipient'],
    ['Destinataire introuvable', 'InvalidRecipient'],
    ['No pudimos encontrar el destinatario', 'InvalidRecipient'],
    ['Nieznany odbiorca', 'InvalidRecipient'],
    ['Skrzynka nie została odnaleziona', 'InvalidRecipient'],
  ],
  'unwanted or unsolicited mail named by adjective and mail noun': [
    ['Correo no deseado rechazado', 'SpamContent'],
    ['Mensagem indesejada', 'SpamContent'],
    ['Courriel non sollicité', 'SpamContent'],
    ['Unerwünschte E-Mail abgewiesen', 'SpamContent'],
    ['Messaggio indesiderato', 'SpamContent'],
    ['Niechciana poczta', 'SpamContent'],
    ['Нежелательное письмо отклонено', 'SpamContent'],
    ['İstenmeyen e-posta', 'SpamContent'],
  ],
  'a block list named by noun and complement; a low reputation in Turkish': [
    ['Su servidor aparece en una lista de bloqueo', 'SpamBlock'],
    ['IP presente numa lista de bloqueio', 'SpamBlock'],
    ['Votre serveur est sur une liste de blocage', 'SpamBlock'],
    ['Il server è in una lista di blocco', 'SpamBlock'],
    ['Adres IP na liście zablokowanych', 'SpamBlock'],
    ['IP в списке заблокированных', 'SpamBlock'],
    ['Sunucunuz kara listeye alınmış', 'SpamBlock'],
    ['Düşük itibar nedeniyle reddedildi', 'SpamBlock'],
  ],
  'not delivered within the delivery window of days': [
    ['No se ha podido entregar el mensaje dentro del plazo', 'MessageExpired'],
    ['A mensagem não foi entregue no prazo', 'MessageExpired'],
    ["Le courriel n'a pas pu être distribué dans les délais", 'MessageExpired'],
    ['Innerhalb von 3 Tagen nicht zugestellt', 'MessageExpired'],
    ['Non è stato possibile recapitare il messaggio entro 4 giorni', 'MessageExpired'],
    ['W ciągu 5 dni nie doręczono wiadomości', 'MessageExpired'],
    ['Не удалось доставить сообщение в течение 5 суток', 'MessageExpired'],
    ['Mesaj 3 gün içinde iletilemedi', 'MessageExpired'],
    ['Prazo máximo de entrega excedido', 'MessageExpired'],
  ],
  'grey-listing by colour and list noun; a Turkish temporary error': [
    ['Está en lista gris temporalmente', 'TransientFailure'],
    ['Mensagem em lista cinza', 'TransientFailure'],
    ['Votre message est en liste grise', 'TransientFailure'],
    ['Lista grigia: ritenta', 'TransientFailure'],
    ['Wiadomość na szarej liście', 'TransientFailure'],
    ['Сработал серый список', 'TransientFailure'],
    ['Gri listeye alındınız', 'TransientFailure'],
    ['Geçici bir sorun oluştu', 'TransientFailure'],
    ['Lütfen sonra yeniden deneyin', 'TransientFailure'],
  ],
  'sending too many messages, verb first or followed by a wait; a Turkish sending limit': [
    ['Enviou muitas mensagens em sequência', 'TransientFailure'],
    ['Vous avez envoyé trop de courriels', 'TransientFailure'],
    ['Trop de messages, patientez', 'TransientFailure'],
    ['Sono stati inviati troppi messaggi', 'TransientFailure'],
    ['Günlük gönderim limiti doldu', 'TransientFailure'],
    ['Gönderim kotası aşıldı', 'TransientFailure'],
  ],
  'too many connections with an adjective between count and noun': [
    ['Zbyt dużo równoczesnych połączeń', 'TransientFailure'],
    ['Слишком много параллельных соединений', 'TransientFailure'],
    ['Çok fazla eş zamanlı bağlantı', 'TransientFailure'],
    ['Número excesivo de conexiones', 'TransientFailure'],
  ],
};

/** [reply, a label it must NOT get]: the nearest phrases of the neighbour labels. */
const NEAREST: Array<[string, string]> = [
  // A host spreading malware is a blocklist's text, not a verdict on this message.
  ['Su IP está infectada con software malicioso', 'VirusRelated'],
  ['Ihre IP verbreitet Schadsoftware', 'VirusRelated'],
  // An attachment too large is size, not a forbidden type; a message type is no attachment.
  ['El adjunto supera el tamaño permitido', 'ProhibitedAttachment'],
  ['Bu ek çok büyük', 'ProhibitedAttachment'],
  ["Ce type de message n'est pas autorisé", 'ProhibitedAttachment'],
  // A user's own forwarding rule that failed is no relay refusal.
  ['Su regla de reenvío ha fallado', 'RelayDenied'],
  // Logging in to reactivate an account is no SMTP login requirement; a failed encrypted
  // connection or too many login attempts have no "required".
  ['Inicie sesión para reactivar su cuenta', 'AuthenticationFailed'],
  // The sender's IP or server refused is no sender address.
  ['IP-адрес отправителя отклонён', 'InvalidSender'],
  ['Gönderen sunucu reddedildi', 'InvalidSender'],
  // A blocked IP is no suspended account; a temporary suspension is not a temporary error.
  ['IP adresiniz engellendi', 'InactiveMailbox'],
  ['Hesap geçici olarak askıya alındı', 'TransientFailure'],
  // A mailbox holding too many messages is no sending rate; a sending quota no full mailbox.
  ['El buzón tiene demasiados mensajes', 'TransientFailure'],
  ['Gönderim kotası aşıldı', 'QuotaIssues'],
  // A delay warning of hours gives nothing up.
  ['No se pudo entregar, se reintentará en 2 horas', 'MessageExpired'],
  // A sender the recipient does not want names no mail.
  ['Unerwünschter Absender', 'SpamContent'],
  // A mail DOMAIN not registered is no unknown user; a recipient is no sender.
  ['El dominio de correo no está registrado', 'InvalidRecipient'],
  ['Die Adresse des Empfängers ist nicht registriert', 'InvalidSender'],
  // A check that passed before another subject's failure is no failed check.
  ['DKIM válido, usuario inválido', 'AuthenticationFailed'],
  ['SPF ok, destinatario non valido', 'AuthenticationFailed'],
  // Too many recipients is no rate.
  ['Trop de destinataires pour ce message', 'TransientFailure'],
  // A connection that timed out is no expired message.
  ['Bağlantı zaman aşımına uğradı', 'MessageExpired'],
  // A full mailbox asked to retry later stays a full mailbox.
  ['Posta kutusu geçici olarak dolu, daha sonra tekrar deneyin', 'TransientFailure'],
];

describeFamilies(FAMILIES);
describeNearest(NEAREST);
