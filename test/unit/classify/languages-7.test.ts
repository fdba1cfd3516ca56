// The "Languages-7 (h148)" blocks of rules/phrases.toml: the virus verdict, a refused
// attachment type, relaying refused, a failed SPF / DKIM / DMARC check, the sender's
// address invalid, the account locked or not active, the mailbox out of room, a domain
// without MX, the recipient unknown, the spam verdict, the listed sender, expiry after
// so many hours or days of trying, the receiving server unreachable and a refusal for
// breaching the receiver's policy, in the languages bench/data/blind-replies-languages-7.tsv
// covers (Thai, Hindi, Hebrew, Persian, Arabic, Vietnamese, Indonesian / Malay, Baltic,
// Balkan, Slovenian, Greek, Hungarian, Romanian, Finnish, Nordic, Icelandic, Catalan,
// Basque, Slovak / Czech, Italian). Each family is tested with wordings written here,
// other than the set's, and with the nearest phrases of other labels that must NOT get
// its label (a retry "in one hour" and a sending count "in 24 hours" beside the expiry
// after days of trying, a server sending spam beside a message judged spam, an IP blocked
// beside an account blocked, the recipient's address beside the sender's, a delivery that
// failed beside a connection that failed). First run: see the set's header.
import { describeFamilies, describeNearest } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'a virus or malicious code found in the message': [
    ['554 अनुलग्नक में मैलवेयर पाया गया', 'VirusRelated'],
    ['554 ईमेल में वायरस का पता चला', 'VirusRelated'],
    ['554 فایل پیوست آلوده به بدافزار است', 'VirusRelated'],
    ['554 بدافزار در پیام شما شناسایی شد', 'VirusRelated'],
    ['554 Tệp này có chứa mã độc', 'VirusRelated'],
    ['554 A melléklet vírust tartalmaz', 'VirusRelated'],
    ['554 Az üzenet vírussal fertőzött', 'VirusRelated'],
    ['554 Meddelelsen indeholder virus', 'VirusRelated'],
    ['554 Bilagan innehåller skadlig kod', 'VirusRelated'],
  ],
  'an attachment type refused, the verdict first or after the type': [
    ['552 ห้ามแนบไฟล์ประเภท .exe', 'ProhibitedAttachment'],
    ['552 ไฟล์ที่มีนามสกุล .bat ไม่ได้รับอนุญาต', 'ProhibitedAttachment'],
    ['552 Atașamentele de tip .exe nu sunt permise', 'ProhibitedAttachment'],
    ['552 Acest tip de fișier atașat nu este permis', 'ProhibitedAttachment'],
  ],
  'relaying refused': [
    ['550 5.7.1 Przekazywanie poczty (relay) jest zabronione', 'RelayDenied'],
    ['550 Áframsending (relay) er ekki leyfð', 'RelayDenied'],
    ['550 رله از این سرور مجاز نیست', 'RelayDenied'],
    ['554 رله کردن برای آدرس شما رد شد', 'RelayDenied'],
    ['550 Chuyển tiếp thư qua server này bị cấm', 'RelayDenied'],
  ],
  'an SPF, DKIM or DMARC check named beside a localised failure': [
    ['550 בדיקת DMARC נכשלה עבור הדומיין השולח', 'AuthenticationFailed'],
    ['550 DKIM का सत्यापन विफल हुआ', 'AuthenticationFailed'],
    ['550 Pengesahan DKIM gagal', 'AuthenticationFailed'],
    ['550 SPF-ellenőrzés sikertelen', 'AuthenticationFailed'],
    ['550 Verificarea SPF a eșuat pentru domeniul expeditorului', 'AuthenticationFailed'],
    ['550 DMARC-sannvottun mistókst', 'AuthenticationFailed'],
    ['550 فشلت مصادقة DKIM للرسالة', 'AuthenticationFailed'],
    ['550 Η επαλήθευση DKIM απέτυχε', 'AuthenticationFailed'],
  ],
  "the sender's address invalid": [
    ['553 כתובת השולח שגויה', 'InvalidSender'],
    ['553 Μη έγκυρη διεύθυνση αποστολέα', 'InvalidSender'],
  ],
  'the account locked, suspended or not active': [
    ['550 Gavėjo pašto dėžutė užblokuota', 'InactiveMailbox'],
    ['550 Ši paskyra buvo sustabdyta', 'InactiveMailbox'],
    ['550 A postafiók inaktív', 'InactiveMailbox'],
    ['550 Letiltott felhasználói fiók', 'InactiveMailbox'],
  ],
  'the mailbox out of room': [
    ['452 אין מספיק מקום בתיבת הדואר', 'QuotaIssues'],
    ['452 ظرفیت صندوق پستی کاربر پر شده است', 'QuotaIssues'],
    ['452 Pašto dėžutėje nebėra vietos', 'QuotaIssues'],
    ['452 Postkast on täis', 'QuotaIssues'],
    ['452 Sähköpostilaatikossa ei ole enää tilaa', 'QuotaIssues'],
    ['452 La bústia està plena', 'QuotaIssues'],
    ['452 La casella di posta ha raggiunto il limite massimo di capienza', 'QuotaIssues'],
  ],
  'a domain without an MX record': [['550 Tên miền người nhận không có bản ghi MX', 'BadDomain']],
  'the recipient unknown': [
    ['550 प्राप्तकर्ता अज्ञात', 'InvalidRecipient'],
    ['550 इस पते पर कोई मेलबॉक्स नहीं मिला', 'InvalidRecipient'],
    ['550 המשתמש אינו קיים במערכת', 'InvalidRecipient'],
    ['550 Не постоји такав корисник', 'InvalidRecipient'],
    ['550 Άγνωστος παραλήπτης', 'InvalidRecipient'],
    ['550 Nincs ilyen címzett', 'InvalidRecipient'],
    ['550 Tuntematon vastaanottaja', 'InvalidRecipient'],
    ['550 Erabiltzaile ezezaguna', 'InvalidRecipient'],
  ],
  'the message judged spam': [
    ['554 आपका संदेश स्पैम फ़िल्टर ने रोक दिया', 'SpamContent'],
    ['554 Thư của bạn bị đánh dấu là thư rác', 'SpamContent'],
    ['554 Sõnum liigitati rämpspostiks', 'SpamContent'],
    ['554 Sporočilo je bilo označeno kot nezaželena pošta', 'SpamContent'],
    ['554 Meddelelsen blev stoppet af spamfilteret', 'SpamContent'],
    ['554 El filtre de correu brossa ha rebutjat el missatge', 'SpamContent'],
    ['554 Mezua zabor-postatzat hartu da', 'SpamContent'],
    ['554 Zpráva byla vyhodnocena jako nevyžádaná pošta', 'SpamContent'],
  ],
  'the sender on a block list': [
    ['554 خادمك مدرج على القائمة السوداء', 'SpamBlock'],
    ['554 Η IP σας περιλαμβάνεται σε λίστα αποκλεισμού', 'SpamBlock'],
    ['554 Din server er sortlistet', 'SpamBlock'],
  ],
  'not delivered after so many hours or days of trying': [
    ['ระบบพยายามจัดส่งอีเมลนาน 3 วันแต่ไม่สำเร็จ', 'MessageExpired'],
    ['5 दिनों तक प्रयास के बाद संदेश लौटाया गया', 'MessageExpired'],
    ['Máy chủ đã cố gắng gửi trong vòng 48 giờ và đã bỏ cuộc', 'MessageExpired'],
    ['Mesej gagal dihantar selepas dicuba selama 5 hari', 'MessageExpired'],
    ['Το μήνυμα επιστράφηκε μετά από 4 ημέρες προσπαθειών', 'MessageExpired'],
    ['Livrarea a fost abandonată după 3 zile', 'MessageExpired'],
    ['Toimitus lopetettiin 48 tunnin yrittämisen jälkeen', 'MessageExpired'],
    ['انقضت صلاحية الرسالة قبل تسليمها', 'MessageExpired'],
  ],
  'the receiving server unreachable': [
    ['לא ניתן להתחבר לשרת הדואר של הנמען', 'NoAnswerFromHost'],
    ['اتصال به سرور ایمیل گیرنده قطع شد', 'NoAnswerFromHost'],
    ['Απέτυχε η σύνδεση με τον διακομιστή αλληλογραφίας', 'NoAnswerFromHost'],
    ['Nem lehet csatlakozni a távoli szerverhez', 'NoAnswerFromHost'],
    ['Yhteyden muodostaminen palvelimeen epäonnistui', 'NoAnswerFromHost'],
  ],
  "a refusal for breaching the receiver's policy": [
    ['550 الرسالة تخالف سياسة الاستخدام', 'PolicyRelated'],
  ],
};

describeFamilies(FAMILIES);

describeNearest([
  // A check passed or a record fine, with the failure elsewhere, is no failed check.
  [
    '550 SPF-tietue on kunnossa, mutta toimitus epäonnistui: postilaatikko on täynnä',
    'AuthenticationFailed',
  ],
  ['550 5.1.1 Postilaatikkoa dmarc-raportit ei ole olemassa', 'AuthenticationFailed'],
  // The recipient's address is not the sender's.
  ['550 כתובת הנמען אינה תקינה', 'InvalidSender'],
  // An IP or server blocked is a block, not an inactive account.
  ['554 Az IP-címét letiltották', 'InactiveMailbox'],
  ['554 Jūsų serveris užblokuotas', 'InactiveMailbox'],
  // A sending limit is no mailbox quota; a mailbox not found no full one.
  ['421 Hai raggiunto il limite massimo di invii giornalieri', 'QuotaIssues'],
  ['550 Postkasti ei leitud', 'QuotaIssues'],
  // An MX lookup that failed for now is no domain without MX.
  ['451 Không thể truy vấn bản ghi MX, vui lòng thử lại sau', 'BadDomain'],
  // A mailbox with no room, a domain not found, an account not active: no unknown user.
  ['452 Nincs elég hely a postafiókban', 'InvalidRecipient'],
  ['550 Verkkotunnusta ei löydy', 'InvalidRecipient'],
  ['550 חשבון המשתמש אינו פעיל', 'InvalidRecipient'],
  // A server sending spam or listed for it is a block, not a verdict on the message.
  ['554 Váš server je na zozname za rozosielanie nevyžiadanej pošty', 'SpamContent'],
  ['554 Vaš strežnik pošilja vsiljeno pošto', 'SpamContent'],
  // An account blocked is an inactive mailbox, not a listing.
  ['550 تم حظر حساب المستلم', 'SpamBlock'],
  // A retry in an hour and a count of messages in a day are no expiry; nor a connection's
  // time-out.
  ['421 कृपया 1 घंटे बाद पुनः प्रयास करें', 'MessageExpired'],
  ['421 Anda telah mengirim 500 email dalam 24 jam', 'MessageExpired'],
  ['انتهت مهلة الاتصال بالخادم', 'MessageExpired'],
  ['421 Vui lòng thử lại trong 1 giờ', 'MessageExpired'],
  ['450 โปรดพยายามส่งอีกครั้งใน 1 ชั่วโมง', 'MessageExpired'],
  // A delivery that failed, a refusal and a failed sign-in are no connection failure.
  ['Viestin toimitus epäonnistui', 'NoAnswerFromHost'],
  ['550 השרת דחה את ההודעה', 'NoAnswerFromHost'],
  ['550 Nem sikerült azonosítani a feladót', 'NoAnswerFromHost'],
  // A DMARC policy is the sender's authentication, not the receiver's policy.
  ['550 5.7.26 الرسالة تخالف سياسة DMARC للنطاق', 'PolicyRelated'],
]);
