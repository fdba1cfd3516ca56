// The "Languages-10 (h169)" families of rules/phrases.toml, found with
// bench/data/blind-replies-languages-10.tsv (thin-language replies written without reading
// the earlier language families): storage "run out" / "no room left" rather than "full",
// "no MX record" / "not registered in DNS", "no mailbox by that name", relaying refused as
// "does not pass mail on", the sender's address refused noun-first, a queue time that ran
// out, rate limits and try-later, policy. Loaded as the bundled config loads the shipped
// rules. Wordings written here (not the set's rows), with the nearest phrases of the
// neighbour labels, in the same language, that must NOT get the family's label.
import { describeFamilies, describeNearest } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'harmful code or malicious software found in the message': [
    ['ตรวจพบไฟล์อันตรายในอีเมลฉบับนี้', 'VirusRelated'],
    ['Příloha obsahuje nebezpečný kód, zpráva nebyla doručena', 'VirusRelated'],
  ],
  'an attachment kind refused': [
    ['Hệ thống chặn các tệp đính kèm dạng .js', 'ProhibitedAttachment'],
    ['Απαγορεύονται τα συνημμένα εκτελέσιμα αρχεία', 'ProhibitedAttachment'],
    ['Els adjunts executables no estan permesos', 'ProhibitedAttachment'],
  ],
  'the server will not pass mail on to other domains': [
    ['554 השרת לא מאפשר ממסר לכתובות מחוץ לארגון', 'RelayDenied'],
    ['ممنوع الترحيل لغير المستخدمين المحليين', 'RelayDenied'],
    ['Chúng tôi từ chối chuyển tiếp cho tên miền bên ngoài', 'RelayDenied'],
    ['Videresending er ikke tillatt fra din adresse', 'RelayDenied'],
    ['Ретрансляцію заборонено для зовнішніх адрес', 'RelayDenied'],
  ],
  'SMTP AUTH required before sending': [
    ['530 Godkendelse kræves før afsendelse', 'AuthenticationFailed'],
    ['Сервер потрібна автентифікація клієнта', 'AuthenticationFailed'],
  ],
  "the sender's address refused": [
    ['Η διεύθυνση του αποστολέα δεν γίνεται δεκτή', 'InvalidSender'],
    ['Lähettäjän osoite ei kelpaa tälle palvelimelle', 'InvalidSender'],
    ["L'adreça del remitent no s'accepta en aquest servidor", 'InvalidSender'],
  ],
  "the recipient's account suspended or deactivated": [
    ['الحساب موقوف بسبب عدم الاستخدام', 'InactiveMailbox'],
    ['Акаунтът е закрит по искане на собственика', 'InactiveMailbox'],
  ],
  'a mailbox with no room left, or a message too big': [
    ['इस इनबॉक्स में स्थान नहीं है', 'QuotaIssues'],
    ['Hộp thư này đã hết chỗ', 'QuotaIssues'],
    ['Korisniku je potrošen prostor za poštu', 'QuotaIssues'],
    ['Innboksen til mottakeren har ikke mer plass', 'QuotaIssues'],
    ['V schránke adresáta nezůstalo žádné místo', 'QuotaIssues'],
    ['גודל ההודעה חורג מהמותר', 'QuotaIssues'],
    ['Ziņojuma izmērs pārsniedz 10 MB', 'QuotaIssues'],
  ],
  'the recipient domain with no DNS entry or MX record': [
    ['โดเมนนี้ไม่มีอยู่จริง', 'BadDomain'],
    ['Domeenin MX-tietue puuttuu', 'BadDomain'],
    ['No hi ha registre MX per a aquest domini', 'BadDomain'],
    ['Не знайдено MX-запис домену', 'BadDomain'],
  ],
  'no mailbox or user by that name': [
    ['לא נמצאה כאן תיבת דואר כזו', 'InvalidRecipient'],
    ['Không có người dùng nào với địa chỉ này', 'InvalidRecipient'],
    ['Postkasti ei ole olemas', 'InvalidRecipient'],
    ['Der er ingen bruger med den adresse', 'InvalidRecipient'],
    ['Uživatel na tomto serveru nemá žádnou schránku', 'InvalidRecipient'],
  ],
  'the message judged spam or unwanted by a filter': [
    ['Thư đã bị phân loại là thư rác', 'SpamContent'],
    ['Conținutul arată ca spam', 'SpamContent'],
  ],
  'the sending IP blocked or listed': [
    ['Вашият IP адрес е блокиран заради спам', 'SpamBlock'],
    ['IP adresa serveru je zablokována', 'SpamBlock'],
  ],
  'delivery given up when its time ran out': [
    ['Η προθεσμία παράδοσης έληξε', 'MessageExpired'],
    ['Uplynula doba doručení zprávy', 'MessageExpired'],
  ],
  'a temporary error, try later, or a sending rate over its limit': [
    ['Átmeneti probléma a szerveren', 'TransientFailure'],
    ['Terlalu banyak email dari alamat Anda', 'TransientFailure'],
    ['Překročili jste limit odeslaných zpráv', 'TransientFailure'],
  ],
  "refused as against the receiver's policy": [
    ['อีเมลนี้ผิดนโยบายของบริษัท', 'PolicyRelated'],
    ['E-mel ini melanggar dasar organisasi', 'PolicyRelated'],
  ],
};

/** [reply, a label it must NOT get]: the nearest phrases of the neighbour labels. */
const NEAREST: Array<[string, string]> = [
  // A server that spreads malware is a host, not this message.
  ['Váš server šíří škodlivý software', 'VirusRelated'],
  // An attachment too large is a size limit, not a file type.
  ['Tệp đính kèm quá lớn', 'ProhibitedAttachment'],
  ['Το συνημμένο είναι πολύ μεγάλο', 'ProhibitedAttachment'],
  // A user's own forwarding that failed is no relay refusal.
  ['Vidarebefordran misslyckades', 'RelayDenied'],
  // The recipient refused is not the sender.
  ['تم رفض المستلم', 'InvalidSender'],
  // No room in the mailbox is a full mailbox, not an unknown user.
  ['Det finns ingen plats i brevlådan', 'InvalidRecipient'],
  // A user not found in this domain is an unknown user, not a bad domain.
  ['ไม่พบผู้ใช้ในโดเมนนี้', 'BadDomain'],
  // A listed IP gets no content verdict.
  ['IP của bạn nằm trong danh sách spam', 'SpamContent'],
  // A connection that timed out is no queue expiry.
  ['Έληξε ο χρόνος σύνδεσης', 'MessageExpired'],
  // Too many recipients, and a message size limit, are not a sending rate.
  ['Terlalu banyak penerima', 'TransientFailure'],
  ['Prekročili ste limit veľkosti správy', 'TransientFailure'],
];

describeFamilies(FAMILIES);
describeNearest(NEAREST);
