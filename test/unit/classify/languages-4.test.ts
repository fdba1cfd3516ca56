// The "Languages-4 (h99)" blocks of rules/phrases.toml: Greek, Romanian, Hungarian,
// Bulgarian, Serbian / Croatian, Slovenian, Slovak, Baltic, Estonian, Finnish, Nordic,
// Icelandic, Catalan, Basque, Galician, Arabic, Hebrew, Persian, Turkish, Hindi, Thai,
// Vietnamese, Indonesian / Malay and Tagalog wordings of the virus verdict, relaying
// refused, the sender unknown, the account disabled, the mailbox full, the message too
// big, the domain and the recipient unknown, the spam verdict, the listed IP and the
// expiry. Each family is tested with wordings written here, other than those of the open
// set bench/data/blind-replies-languages-4.tsv, and with the nearest phrases of other
// labels that must NOT get its label (the sender beside the recipient, a full mailbox
// beside a disabled one, the IP blocked for spam beside the message refused as spam, a
// retry announced beside an expiry, a rate limit beside a message too big).
import { describeFamilies, describeNearest } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'a virus found in the message': [
    ['Ο ιός εντοπίστηκε στο συνημμένο', 'VirusRelated'],
    ['554 Atașamentul conține un virus', 'VirusRelated'],
    ['554 A levélben vírust észleltünk', 'VirusRelated'],
    ['554 İletide virüs bulundu', 'VirusRelated'],
    ['Liitteestä löytyi virus', 'VirusRelated'],
    ['554 Pesan mengandung virus', 'VirusRelated'],
    ['554 الرسالة تحتوي على فيروس', 'VirusRelated'],
  ],
  'relaying refused': [
    ['550 Prosljeđivanje pošte nije dozvoljeno', 'RelayDenied'],
    ['550 Препращане на поща не е разрешено', 'RelayDenied'],
    ['550 Relay ni dovoljen', 'RelayDenied'],
    ['550 Preposielanie pošty nie je povolené', 'RelayDenied'],
    ['550 Relay no permès per a aquest domini', 'RelayDenied'],
  ],
  'the sender unknown': [
    ['553 Adresa pošiljatelja ne postoji', 'InvalidSender'],
    ['553 Изпращачът не съществува', 'InvalidSender'],
    ['553 Odosielateľ neexistuje', 'InvalidSender'],
    ['553 Neznámy odosielateľ', 'InvalidSender'],
    ['553 نشانی فرستنده نامعتبر است', 'InvalidSender'],
    ['553 Domena pošiljatelja ne postoji', 'InvalidSender'],
    ['553 Adresa expeditorului nu este validă', 'InvalidSender'],
    // Nearest phrases of other labels: the recipient in the same words.
    ['550 Adresa primatelja ne postoji', 'InvalidRecipient'],
    ['550 Получателят не съществува', 'InvalidRecipient'],
  ],
  'the account disabled': [
    ['550 A fiók letiltva', 'InactiveMailbox'],
    ['550 A postafiók le van tiltva', 'InactiveMailbox'],
    ['550 Акаунтът на получателя е спрян', 'InactiveMailbox'],
    ['550 Korisnički račun je suspendiran', 'InactiveMailbox'],
    ['550 Účet príjemcu bol deaktivovaný', 'InactiveMailbox'],
    ['550 El compte del destinatari està suspès', 'InactiveMailbox'],
    ['550 حساب گیرنده مسدود شده است', 'InactiveMailbox'],
    // Nearest phrases of other labels: a full mailbox, the IP blocked.
    ['552 A postafiók betelt', 'QuotaIssues'],
    ['554 IP adresa je na crnoj listi', 'SpamBlock'],
  ],
  'the mailbox full': [
    ['Η θυρίδα σας είναι γεμάτη', 'QuotaIssues'],
    ['452 A postafiók betelt', 'QuotaIssues'],
    ['Kasutaja postkast on täitunud', 'QuotaIssues'],
    ['452 Alıcının kotası dolmuş', 'QuotaIssues'],
    ['Peti surat penerima telah penuh', 'QuotaIssues'],
  ],
  'the message too big': [
    ['552 Meddelelsen er for stor til modtagerens server', 'QuotaIssues'],
    ['552 Порука је превелика', 'QuotaIssues'],
    ['552 Viesti on liian iso', 'QuotaIssues'],
    ['552 Velikost sporočila presega omejitev', 'QuotaIssues'],
    ['552 A levél mérete meghaladja a korlátot', 'QuotaIssues'],
    ['552 حجم الرسالة يتجاوز الحد الأقصى', 'QuotaIssues'],
  ],
  'the recipient domain unknown': [
    ['550 Domena primatelja ne postoji', 'BadDomain'],
    ['550 Домейнът на получателя не е намерен', 'BadDomain'],
    ['550 Domeni ne obstaja', 'BadDomain'],
    ['550 El domini del destinatari no existeix', 'BadDomain'],
    ['550 Verkkotunnus ei ole olemassa', 'BadDomain'],
    ['550 دامنه گیرنده پیدا نشد', 'BadDomain'],
  ],
  'the recipient unknown': [
    ['550 Primatelj ne postoji', 'InvalidRecipient'],
    ['550 Такъв получател не съществува', 'InvalidRecipient'],
    ['550 Prejemnik ne obstaja', 'InvalidRecipient'],
    ['550 Gavėjas neegzistuoja', 'InvalidRecipient'],
    ['550 Saņēmējs nav atrasts', 'InvalidRecipient'],
    ['550 Kasutajat ei leitud', 'InvalidRecipient'],
    ['550 Viðtakandi fannst ekki', 'InvalidRecipient'],
    ['550 Hartzailea ez da existitzen', 'InvalidRecipient'],
    ['550 گیرنده یافت نشد', 'InvalidRecipient'],
    ['550 प्राप्तकर्ता नहीं मिला', 'InvalidRecipient'],
    ['550 Hindi kilala ang tatanggap', 'InvalidRecipient'],
    ['550 Nepoznat korisnik', 'InvalidRecipient'],
    // Nearest phrases of other labels: the account disabled, the sender.
    ['550 Korisnički račun je blokiran', 'InactiveMailbox'],
    ['553 Pošiljatelj ne postoji', 'InvalidSender'],
  ],
  'the message refused as spam': [
    ['554 Poruka je označena kao spam', 'SpamContent'],
    ['554 Писмото е отхвърлено като спам', 'SpamContent'],
    ['554 Správa bola klasifikovaná ako nevyžiadaná pošta', 'SpamContent'],
    ['554 Sporočilo je bilo zavrnjeno kot spam', 'SpamContent'],
    ['554 Missatge classificat com a correu brossa', 'SpamContent'],
    ['554 ההודעה נדחתה כספאם', 'SpamContent'],
    ['554 پیام شما به عنوان اسپم مسدود شد', 'SpamContent'],
    ['554 ईमेल को स्पैम मानकर अस्वीकार किया गया', 'SpamContent'],
    ['554 อีเมลถูกบล็อกเนื่องจากเป็นจดหมายขยะ', 'SpamContent'],
    ['554 A levelet spamnek minősítettük', 'SpamContent'],
    // Nearest phrases of other labels: the IP listed or blocked for spam.
    ['554 IP adresa je na crnoj listi zbog spama', 'SpamBlock'],
  ],
  'the sending IP listed': [
    ['554 IP-ul dumneavoastră este pe lista neagră', 'SpamBlock'],
    ['554 Gönderen IP kara listeye alındı', 'SpamBlock'],
    ['554 Địa chỉ IP gửi thư nằm trong danh sách đen', 'SpamBlock'],
    ['554 IP адресът е в черен списък', 'SpamBlock'],
    ['554 Az IP-cím feketelistán van', 'SpamBlock'],
    ['554 Η διεύθυνση IP σας βρίσκεται σε μαύρη λίστα', 'SpamBlock'],
    ['554 عنوان IP شما در لیست سیاه است', 'SpamBlock'],
  ],
  'not delivered within N days': [
    ['Mesajul nu a putut fi trimis timp de 3 zile', 'MessageExpired'],
    ['Viestiä ei voitu välittää 48 tunnin kuluessa', 'MessageExpired'],
    ['Az üzenetet nem sikerült kézbesíteni 5 napig', 'MessageExpired'],
    ['Poruka nije isporučena u roku od 5 dana', 'MessageExpired'],
    ['Sporočilo ni bilo dostavljeno v 4 dneh', 'MessageExpired'],
    ['Съобщението не можа да бъде доставено в рамките на 5 дни', 'MessageExpired'],
    ['El missatge no s’ha pogut lliurar en 5 dies', 'MessageExpired'],
  ],
};

describeFamilies(FAMILIES);

/**
 * Two probes of wordings written after the families, in the same languages and others of
 * the region (56, then 43): the first got 35/56 at its first run, the second (written after
 * the families were widened on the first) 32/43; both now hold. Kept so that the families
 * keep reading them.
 */
const PROBES: Record<string, Array<[string, string]>> = {
  'the recipient unknown or invalid (probes)': [
    ['550 Ο παραλήπτης δεν βρέθηκε στο σύστημα', 'InvalidRecipient'],
    ['550 Adresa de e-mail a destinatarului nu este validă', 'InvalidRecipient'],
    ['550 A címzett ismeretlen', 'InvalidRecipient'],
    ['550 Адресът на получателя е невалиден', 'InvalidRecipient'],
    ['550 Primalac ne postoji na ovom serveru', 'InvalidRecipient'],
    ['550 Naslovnik ne obstaja', 'InvalidRecipient'],
    ['550 Adresát neexistuje na tomto serveri', 'InvalidRecipient'],
    ['550 Gavėjo adresas neegzistuoja', 'InvalidRecipient'],
    ['550 Adressaati ei leitud', 'InvalidRecipient'],
    ['550 Vastaanottajaa ei löydy', 'InvalidRecipient'],
    ['550 Mottagaren finns inte', 'InvalidRecipient'],
    ['550 Netfangið er ekki til', 'InvalidRecipient'],
    ['550 El destinatari no existeix', 'InvalidRecipient'],
    ['550 Hartzailea ez da aurkitu', 'InvalidRecipient'],
    ['550 المستلم غير موجود على هذا الخادم', 'InvalidRecipient'],
    ['550 הכתובת אינה קיימת', 'InvalidRecipient'],
    ['550 آدرس ایمیل گیرنده وجود ندارد', 'InvalidRecipient'],
    ['550 Alıcı bulunamadı', 'InvalidRecipient'],
    ['550 ईमेल पता मौजूद नहीं है', 'InvalidRecipient'],
    ['550 ไม่มีผู้ใช้นี้ในระบบ', 'InvalidRecipient'],
    ['550 Không tìm thấy hộp thư', 'InvalidRecipient'],
    ['550 Alamat e-mel tidak wujud', 'InvalidRecipient'],
    ['550 받는 사람이 존재하지 않습니다', 'InvalidRecipient'],
    ['550 O endereço de correio eletrónico não existe', 'InvalidRecipient'],
    ['550 La dirección de correo no existe en este servidor', 'InvalidRecipient'],
    ['550 Destinatarul nu a fost găsit', 'InvalidRecipient'],
    ['550 Получателят не е намерен', 'InvalidRecipient'],
    ['550 Korisnik nije pronađen', 'InvalidRecipient'],
    ['550 Uporabnik ni bil najden', 'InvalidRecipient'],
    ['550 Príjemca neexistuje', 'InvalidRecipient'],
    ['550 Vartotojas nerastas', 'InvalidRecipient'],
    ['550 Lietotājs nav atrasts', 'InvalidRecipient'],
    ['550 Kasutajat pole olemas', 'InvalidRecipient'],
    ['550 Notandinn fannst ekki', 'InvalidRecipient'],
    ["550 L'usuari no s'ha trobat", 'InvalidRecipient'],
    ['550 کاربر یافت نشد', 'InvalidRecipient'],
    ['550 यह ईमेल पता अमान्य है', 'InvalidRecipient'],
  ],
  'the account disabled or suspended (probes)': [
    ['550 Ο λογαριασμός έχει ανασταλεί', 'InactiveMailbox'],
    ['550 Contul a fost dezactivat', 'InactiveMailbox'],
    ['550 تم إيقاف حساب المستلم', 'InactiveMailbox'],
    ['550 Hesap kapatıldı', 'InactiveMailbox'],
    ['550 บัญชีถูกปิดใช้งาน', 'InactiveMailbox'],
    ['550 Hộp thư đã bị vô hiệu hóa', 'InactiveMailbox'],
    ['550 Akaun telah digantung', 'InactiveMailbox'],
    ['550 휴면 계정입니다', 'InactiveMailbox'],
    ['550 La cuenta está inhabilitada', 'InactiveMailbox'],
    ['550 Contul utilizatorului este suspendat', 'InactiveMailbox'],
    ['550 Профилът е блокиран', 'InactiveMailbox'],
    ['550 Korisnički račun je onemogućen', 'InactiveMailbox'],
    ['550 Ο λογαριασμός είναι απενεργοποιημένος', 'InactiveMailbox'],
    ['550 Akaun pengguna telah disekat', 'InactiveMailbox'],
    ['550 Účet je deaktivovaný', 'InactiveMailbox'],
  ],
  'the mailbox full or the message too big (probes)': [
    ['452 Η θυρίδα έχει υπερβεί το όριο αποθήκευσης', 'QuotaIssues'],
    ['452 Spațiul de stocare al destinatarului este plin', 'QuotaIssues'],
    ['552 A postafiók elérte a tárhelykorlátot', 'QuotaIssues'],
    ['452 Пощенската кутия на получателя е препълнена', 'QuotaIssues'],
    ['452 Sandučić primatelja je pun', 'QuotaIssues'],
    ['452 Schránka adresáta je preplnená', 'QuotaIssues'],
    ['452 La bústia està plena', 'QuotaIssues'],
    ['452 תיבת הדואר של הנמען מלאה', 'QuotaIssues'],
    ['452 صندوق پستی گیرنده پر شده است', 'QuotaIssues'],
    ['452 प्राप्तकर्ता का मेलबॉक्स भर गया है', 'QuotaIssues'],
    ['452 Puno na ang inbox', 'QuotaIssues'],
    ['452 A caixa do destinatário excedeu a quota', 'QuotaIssues'],
    ['452 4.2.2 Η θυρίδα του χρήστη έχει γεμίσει', 'QuotaIssues'],
    ['452 Căsuța poștală a destinatarului a depășit cota', 'QuotaIssues'],
    ['Пощенската кутия на потребителя е пълна.', 'QuotaIssues'],
    ['452 Poštanski pretinac primatelja je pun', 'QuotaIssues'],
    ['452 Predal prejemnika je poln', 'QuotaIssues'],
    ['452 Poštová schránka je plná', 'QuotaIssues'],
    ['452 Gavėjo pašto dėžutė yra pilna', 'QuotaIssues'],
    ['Saaja postkast on täis.', 'QuotaIssues'],
    ['452 Bústia plena', 'QuotaIssues'],
    ['452 صندوق پستی کاربر پر شده است', 'QuotaIssues'],
    ['452 Kotak surat pengguna penuh', 'QuotaIssues'],
    ['452 Hộp thư người nhận đã hết dung lượng', 'QuotaIssues'],
    ['552 Съобщението надвишава максималния размер', 'QuotaIssues'],
    ['552 Poruka je prevelika', 'QuotaIssues'],
    ['552 Dimensiunea mesajului depășește limita', 'QuotaIssues'],
  ],
  'the message marked or refused as spam (probes)': [
    ['554 Το μήνυμα χαρακτηρίστηκε ως spam', 'SpamContent'],
    ['554 Mesajul a fost marcat ca spam', 'SpamContent'],
    ['554 Mesaj istenmeyen posta olarak reddedildi', 'SpamContent'],
    ['554 Pesan ditandai sebagai spam', 'SpamContent'],
    ['554 Съобщението е маркирано като спам', 'SpamContent'],
    ['554 Poruka je prepoznata kao spam', 'SpamContent'],
    ['554 Mesajul a fost respins ca spam', 'SpamContent'],
  ],
  'the recipient domain unknown (probes)': [
    ['550 Alan adı mevcut değil', 'BadDomain'],
    ['550 Tên miền người nhận không tồn tại', 'BadDomain'],
    ['550 Domeniul nu există', 'BadDomain'],
    ['550 Домейнът на получателя не съществува', 'BadDomain'],
    ['550 Domena primatelja nije pronađena', 'BadDomain'],
    ['550 Domeniul destinatarului nu există', 'BadDomain'],
  ],
  'the sending IP on a black list (probes)': [
    ['554 Adresa IP este pe lista neagră Spamhaus', 'SpamBlock'],
    ['554 IP adresi kara listede bulunuyor', 'SpamBlock'],
  ],
  'the message infected or a virus found in it (probes)': [
    ['554 Mesajul este infectat cu un virus', 'VirusRelated'],
    ['554 U poruci je pronađen virus', 'VirusRelated'],
  ],
};

describeFamilies(PROBES);

/** [reply, the label it must NOT get]: nearest phrases whose right label is another. */
const MUST_NOT: Array<[string, string]> = [
  // A host infected with a bot (a blocklist text), not a virus in the message.
  ['554 IP adresiniz virüs yayan bir botnet listesinde', 'VirusRelated'],
  // A relay server out of reach is no refusal to relay.
  ['451 Relay poslužitelj trenutno nije dostupan', 'RelayDenied'],
  // The IP blocked, the mailbox missing: not a disabled account.
  ['554 Vaša IP adresa je blokirana', 'InactiveMailbox'],
  ['550 Η θυρίδα δεν υπάρχει', 'QuotaIssues'],
  // The sender's message count over a limit is a rate limit, not a message too big.
  ['421 For mange beskeder, prøv igen senere', 'QuotaIssues'],
  ['421 Liian monta viestiä, yritä myöhemmin', 'QuotaIssues'],
  ['421 Số lượng thư vượt quá giới hạn, thử lại sau', 'QuotaIssues'],
  // A domain out of reach for now is no domain that does not exist.
  ['451 Domena trenutno nije dostupna', 'BadDomain'],
  // A recipient out of reach for now is no unknown recipient.
  ['450 Korisnik trenutno nije dostupan, pokušajte kasnije', 'InvalidRecipient'],
  // The IP blocked for sending spam is no spam verdict on the message.
  ['554 آی‌پی شما به دلیل ارسال هرزنامه مسدود شد', 'SpamContent'],
  ['554 Vaša IP adresa je odbijena', 'SpamContent'],
  ['554 Vaša IP adresa je odbijena jer je izvor spama', 'SpamContent'],
  ['554 Il server di invio è considerato una fonte di spam', 'SpamContent'],
  // A host infected (a blocklist text about the sender), not the message.
  ['554 IP-ul dumneavoastră este infectat cu un troian', 'VirusRelated'],
  // A mailbox that does not exist is not a full one.
  ['550 Căsuța poștală nu există', 'QuotaIssues'],
  ['550 Sandučić primatelja ne postoji', 'QuotaIssues'],
  // A retry announced, and a failure without a period, are no expiry.
  ['Mesajul nu a putut fi livrat încă; vom reîncerca în 4 ore', 'MessageExpired'],
  ['Viestiä ei voitu toimittaa: vastaanottajaa ei ole olemassa', 'MessageExpired'],
];

describeNearest(MUST_NOT);
