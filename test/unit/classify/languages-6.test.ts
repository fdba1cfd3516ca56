// The "Languages-6 (h136)" blocks of rules/phrases.toml: the virus verdict, a refused
// attachment, relaying refused, a failed SPF / DKIM / DMARC check, the account locked or
// not active, the quota exceeded, the domain and the recipient unknown, the spam verdict,
// the listed IP or server, expiry after so many days, the server silent or unreachable
// and a refusal under the receiver's policy, in the languages
// bench/data/blind-replies-languages-6.tsv covers (Turkish, Vietnamese, Indonesian /
// Malay, Thai, Hebrew, Arabic, Persian, Greek, Ukrainian, Hungarian, Romanian, Nordic,
// Czech / Slovak, Serbian / Croatian, Baltic, Hindi). Each family is tested with
// wordings written here, other than the set's, and with the nearest phrases of other
// labels that must NOT get its label (an IP blocked beside an account blocked, the
// message's size beside the mailbox's quota, a connection time-out beside the message's
// expiry, auto-forwarding beside relaying, a success beside a failure, a sending quota
// beside the mailbox's). First run of the family wordings: 95/98 (see the set's header).
import { describeFamilies, describeNearest } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'a virus found in the message': [
    ['554 V příloze byl zjištěn virus', 'VirusRelated'],
    ['554 Zpráva byla odmítnuta, nalezen virus Win32/Agent', 'VirusRelated'],
    ['554 Liitteestä löytyi viruksia', 'VirusRelated'],
    ['554 Viruksia havaittu, viesti hylätty', 'VirusRelated'],
    ['554 رفضت الرسالة بسبب احتوائه على فيروس', 'VirusRelated'],
  ],
  'an attachment type refused': [
    ['552 Dosya eki türü yasaklanmıştır (.exe)', 'ProhibitedAttachment'],
    ['552 .scr uzantılı eklere izin verilmemektedir', 'ProhibitedAttachment'],
    ['552 المرفقات التنفيذية ممنوعة', 'ProhibitedAttachment'],
    ['552 Přílohy typu .js jsou zakázány', 'ProhibitedAttachment'],
    ['552 Typ súboru prílohy nie je povolený', 'ProhibitedAttachment'],
    ['552 הקובץ המצורף אינו מותר בשרת זה', 'ProhibitedAttachment'],
    ['552 Το συνημμένο αρχείο δεν επιτρέπεται', 'ProhibitedAttachment'],
    ['552 A melléklet típusa nem engedélyezett', 'ProhibitedAttachment'],
    ['552 Liitetiedosto on estetty', 'ProhibitedAttachment'],
    ['552 Bilagor av typen .bat är förbjudna', 'ProhibitedAttachment'],
    ['552 Tệp đính kèm này không được phép gửi', 'ProhibitedAttachment'],
    ['552 Jenis lampiran ini tidak diizinkan', 'ProhibitedAttachment'],
    ['552 ไฟล์แนบประเภทนี้ไม่อนุญาต', 'ProhibitedAttachment'],
  ],
  'relaying refused': [
    ['554 Röle erişimi reddedildi', 'RelayDenied'],
    ['550 Dış alan adlarına aktarma yasaktır', 'RelayDenied'],
    ['550 Relay tidak dibenarkan dari alamat IP anda', 'RelayDenied'],
    ['550 Penerusan email ditolak', 'RelayDenied'],
    ['550 الترحيل غير مسموح لهذا العنوان', 'RelayDenied'],
    ['550 Απαγορεύεται η αναμετάδοση αλληλογραφίας', 'RelayDenied'],
    ['550 Sähköpostin välittäminen muille verkkotunnuksille ei ole sallittu', 'RelayDenied'],
  ],
  'a failed SPF, DKIM or DMARC check': [
    ['550 Повідомлення не пройшло перевірку DKIM', 'AuthenticationFailed'],
    ['550 Перевірку DMARC не пройдено', 'AuthenticationFailed'],
    ['550 Zpráva neprošla kontrolou SPF', 'AuthenticationFailed'],
    ['550 Kontrola DKIM zlyhala', 'AuthenticationFailed'],
    ['550 Απέτυχε ο έλεγχος SPF του αποστολέα', 'AuthenticationFailed'],
    ['550 SPF-kontrollen misslyckades för avsändaren', 'AuthenticationFailed'],
    ['550 DKIM-verifikationen mislykkedes', 'AuthenticationFailed'],
    ['550 ข้อความไม่ผ่านการตรวจสอบ DMARC', 'AuthenticationFailed'],
  ],
  'the account locked, suspended or not active': [
    ['550 תיבת הדואר הזו הוקפאה', 'InactiveMailbox'],
    ['550 החשבון ננעל על ידי מנהל המערכת', 'InactiveMailbox'],
    ['550 Ο λογαριασμός του παραλήπτη κλειδώθηκε', 'InactiveMailbox'],
    ['550 E-postkontot är låst', 'InactiveMailbox'],
    ['550 Kontoen er blevet spærret', 'InactiveMailbox'],
    ['550 Mottakerens konto er sperret', 'InactiveMailbox'],
    ['550 Vartotojo paskyra užblokuota', 'InactiveMailbox'],
  ],
  'the quota exceeded or the storage run out': [
    ['452 Tiba ha-doar: התיבה חרגה מהמכסה', 'QuotaIssues'],
    ['452 מכסת האחסון מלאה', 'QuotaIssues'],
    ['452 Postilaatikon kiintiö on ylittynyt', 'QuotaIssues'],
    ['452 Vastaanottaja on ylittänyt tallennustilansa', 'QuotaIssues'],
    ['452 Brevlådan har överskridit lagringskvoten', 'QuotaIssues'],
    ['452 Postkassen har overskredet sin kvote', 'QuotaIssues'],
    ['452 Kvoten er brukt opp', 'QuotaIssues'],
    ['452 Poštová schránka adresáta je preplnená', 'QuotaIssues'],
  ],
  'the recipient domain does not exist': [
    ['Meddelandet returnerades eftersom domänen inte existerar.', 'BadDomain'],
    ['Beskeden blev returneret, fordi domænet ikke eksisterer.', 'BadDomain'],
    ['Meldingen ble returnert fordi domenet ikke finnes.', 'BadDomain'],
    ['550 Traženi domen nije pronađen', 'BadDomain'],
    ['550 Тражени домен не постоји', 'BadDomain'],
    ['550 دامنه گیرنده وجود ندارد', 'BadDomain'],
    ['550 प्राप्तकर्ता का डोमेन मौजूद नहीं है', 'BadDomain'],
  ],
  'the recipient unknown (Persian)': [
    ['550 کاربر مورد نظر یافت نشد', 'InvalidRecipient'],
    ['550 آدرس ایمیل گیرنده شناخته نشده است', 'InvalidRecipient'],
    ['550 صندوق پستی گیرنده تعریف نشده است', 'InvalidRecipient'],
  ],
  'the message judged spam': [
    ['554 У листі виявлено спам', 'SpamContent'],
    ['554 Повідомлення класифіковано як спам', 'SpamContent'],
    ['554 E-mel ini mengandungi spam', 'SpamContent'],
    ['554 Pesan ditolak karena mengandung spam', 'SpamContent'],
    ['554 Beskeden er klassificeret som uønsket post', 'SpamContent'],
    ['554 Meddelandet klassades som skräppost', 'SpamContent'],
    ['554 Vēstulē atklāts surogātpasts', 'SpamContent'],
    ['554 A spamszűrő visszautasította a levelet', 'SpamContent'],
  ],
  'the sending IP or server listed or blocked': [
    ['554 IP của máy chủ gửi có trong danh sách đen', 'SpamBlock'],
    ['554 Ваш сервер перебуває в чорному списку', 'SpamBlock'],
    ['554 כתובת ה-IP שלך חסומה', 'SpamBlock'],
    ['554 השרת השולח נמצא ברשימה שחורה', 'SpamBlock'],
    ['554 IP adresa odesílatele je zablokována', 'SpamBlock'],
  ],
  'not delivered after so many days': [
    ['پیام بعد از 5 روز ارسال نشد.', 'MessageExpired'],
    ['پیام طی ۴۸ ساعت تحویل نشد.', 'MessageExpired'],
    ['A levelet 3 napig nem sikerült kézbesíteni.', 'MessageExpired'],
    ['Az üzenetet 72 óra alatt sem sikerült továbbítani.', 'MessageExpired'],
  ],
  'the receiving server silent or unreachable': [
    ['Hedef sunucu yanıt vermedi.', 'NoAnswerFromHost'],
    ['Posta sunucusuyla bağlanılamadı.', 'NoAnswerFromHost'],
    ['เซิร์ฟเวอร์ปลายทางไม่ตอบสนอง', 'NoAnswerFromHost'],
    ['Serverul de e-mail nu răspunde.', 'NoAnswerFromHost'],
    ['Vzdálený server nereaguje.', 'NoAnswerFromHost'],
    ['Máy chủ đích không phản hồi.', 'NoAnswerFromHost'],
    ['Tidak dapat terhubung ke server tujuan.', 'NoAnswerFromHost'],
    ['A fogadó szerver nem válaszol.', 'NoAnswerFromHost'],
    ['Ο διακομιστής παραλήπτη δεν αποκρίνεται.', 'NoAnswerFromHost'],
    ['Сервер одержувача не відповідає.', 'NoAnswerFromHost'],
    ['השרת המרוחק אינו מגיב.', 'NoAnswerFromHost'],
    ['تعذر الاتصال بالخادم البعيد.', 'NoAnswerFromHost'],
  ],
  "a refusal under the receiver's policy": [
    ['550 Güvenlik politikası nedeniyle ileti engellendi', 'PolicyRelated'],
    ['550 המסר נחסם על פי מדיניות האבטחה', 'PolicyRelated'],
    ['550 تم رفض الرسالة وفقا لسياسة الخادم', 'PolicyRelated'],
    ['550 بنا بر سیاست امنیتی سازمان، پیام رد شد', 'PolicyRelated'],
    ['550 Thư đã bị từ chối theo chính sách của máy chủ', 'PolicyRelated'],
    ['550 Pesan ditolak berdasarkan kebijakan server', 'PolicyRelated'],
    ['550 Το μήνυμα απορρίφθηκε λόγω πολιτικής ασφαλείας', 'PolicyRelated'],
    ['550 ข้อความถูกปฏิเสธตามนโยบายของเซิร์ฟเวอร์', 'PolicyRelated'],
  ],
  // A probe of 33 further own wordings, written after the families and before they were
  // run on them: 32/33 held at the first run (the miss: Arabic malware, "برمجية خبيثة",
  // for the virus noun; the family was widened to it).
  'a probe of further wordings across the families': [
    ['554 Zpráva obsahuje virus a byla zahozena', 'VirusRelated'],
    ['554 Viestistä havaittiin virus', 'VirusRelated'],
    ['554 الرسالة مرفوضة لاحتوائها على برمجية خبيثة', 'VirusRelated'],
    ['552 Ekler engellendi: izin verilmeyen dosya türü', 'ProhibitedAttachment'],
    ['552 Liite on kielletty tyyppiä', 'ProhibitedAttachment'],
    ['552 Lampiran dengan jenis ini dilarang', 'ProhibitedAttachment'],
    ['550 Bu sunucu röle olarak kullanılamaz, röleye izin verilmiyor', 'RelayDenied'],
    ['550 Relay ditolak untuk alamat ini', 'RelayDenied'],
    ['550 Η αναμετάδοση προς εξωτερικούς τομείς απορρίφθηκε', 'RelayDenied'],
    ['550 Перевірка SPF невдала', 'AuthenticationFailed'],
    ['550 Ověření DMARC selhalo', 'AuthenticationFailed'],
    ['550 DMARC-kontrollen feilet for avsenderdomenet', 'AuthenticationFailed'],
    ['550 Tilin har stängts av administratören, kontot är spärrat', 'InactiveMailbox'],
    ['550 חשבון הנמען מושבת', 'InactiveMailbox'],
    ['550 Gavėjo paskyra sustabdyta', 'InactiveMailbox'],
    ['452 Mottagarens lagringskvot är överskriden', 'QuotaIssues'],
    ['452 Tallennustila on täynnä', 'QuotaIssues'],
    ['452 Schránka je přeplněná', 'QuotaIssues'],
    ['Viestiä ei voitu toimittaa, koska verkkotunnusta ei ole olemassa.', 'BadDomain'],
    ['Meldingen ble ikke levert fordi domenet ikke eksisterer.', 'BadDomain'],
    ['550 Домен не постоји', 'BadDomain'],
    ['550 نشانی ایمیل گیرنده یافت نشد', 'InvalidRecipient'],
    ['554 Листа класифіковано як спам', 'SpamContent'],
    ['554 Meldingen er merket som søppelpost', 'SpamContent'],
    ['554 Ziņa atzīta par surogātpastu', 'SpamContent'],
    ['554 Địa chỉ IP của bạn đã bị đưa vào danh sách đen', 'SpamBlock'],
    ['554 Ваша IP-адреса знаходиться в чорному списку', 'SpamBlock'],
    ['Az üzenetet 5 napig nem sikerült kézbesíteni, ezért visszaküldtük.', 'MessageExpired'],
    ['Sunucuya bağlanılamadı.', 'NoAnswerFromHost'],
    ['Không thể kết nối tới máy chủ nhận thư.', 'NoAnswerFromHost'],
    ['Nepodařilo se připojit k serveru příjemce.', 'NoAnswerFromHost'],
    ['550 Thư bị từ chối do chính sách bảo mật', 'PolicyRelated'],
    ['550 ההודעה נדחתה עקב מדיניות אבטחה', 'PolicyRelated'],
  ],
};

describeFamilies(FAMILIES);

describeNearest([
  // A blocked IP is a block, not an inactive account; a blocked account no listed IP.
  ['554 Jūsų IP adresas užblokuotas', 'InactiveMailbox'],
  ['550 Kontot är spärrat', 'SpamBlock'],
  ['550 החשבון נעול', 'SpamBlock'],
  // A sending quota is a rate limit, not the mailbox's storage quota.
  ['450 Du har överskridit din sändningskvot', 'QuotaIssues'],
  ['450 חרגת ממכסת השליחה היומית', 'QuotaIssues'],
  ['450 Lähetyskiintiö on ylitetty', 'QuotaIssues'],
  // A connection time-out is not the message's expiry, and a refusal not a silence.
  ['Conexiunea a expirat.', 'MessageExpired'],
  ['550 Sunucu iletiyi reddetti', 'NoAnswerFromHost'],
  ['550 Server odmítl zprávu', 'NoAnswerFromHost'],
  // Auto-forwarding and the message's transfer are no relaying.
  ['550 Penerusan otomatis ditolak', 'RelayDenied'],
  ['550 Mesaj aktarımı başarısız oldu', 'RelayDenied'],
  // A success is no expiry; a domain out of reach for now is no domain that is missing.
  ['Az üzenetet 2 nap után sikerült kézbesíteni.', 'MessageExpired'],
  ['451 Domänen kan inte nås för tillfället', 'BadDomain'],
  // The sender's address is not the recipient's.
  ['553 آدرس فرستنده نامعتبر است', 'InvalidRecipient'],
  // An attachment carrying a virus is a virus verdict first.
  ['554 Příloha obsahuje virus', 'ProhibitedAttachment'],
  // A report mailbox named after the check is no failed check.
  ['550 5.1.1 Schránka dmarc-reports neexistuje', 'AuthenticationFailed'],
  // Spam said of the sending IP is a block, not a verdict on the message.
  ['554 IP-адресу відправника внесено до чорного списку', 'SpamContent'],
]);
