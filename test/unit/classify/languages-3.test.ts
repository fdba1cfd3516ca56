// The "More languages (h58)" blocks of rules/phrases.toml: Turkish, Ukrainian, Greek,
// Hebrew, Arabic, Vietnamese, Thai, Indonesian, Nordic, Hungarian and Romanian wordings,
// and German, Portuguese, French, Italian and Spanish phrasings the European (i30) blocks
// did not read. Loaded as the bundled config loads the shipped rules. Each family is
// tested with wordings written here, other than those of the blind set
// bench/data/blind-replies-languages-3.tsv (so that set stays a fair check), and with the
// nearest phrases of other labels that must NOT get its label (a full mailbox beside a
// missing one, the sender beside the recipient, a retry announced beside an expiry, the
// sending IP beside the message).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileClassifier, type RulesSource } from '../../../src/classify/index';
import { SHIPPED_RULES_FILES } from '../../../src/config/server';

const ROOT = join(__dirname, '../../..');
const shipped: RulesSource[] = SHIPPED_RULES_FILES.map((file) => ({
  file,
  text: readFileSync(join(ROOT, file), 'utf8'),
}));

const FAMILIES: Record<string, Array<[string, string]>> = {
  'the recipient unknown': [
    ['Bu e-posta adresi sistemde bulunamadı', 'InvalidRecipient'],
    ['550 Alıcı mevcut değil', 'InvalidRecipient'],
    ['550 Bilinmeyen kullanıcı', 'InvalidRecipient'],
    ['Отримувача з такою адресою не існує', 'InvalidRecipient'],
    ['550 Невідомий користувач', 'InvalidRecipient'],
    ['550 Η διεύθυνση του παραλήπτη δεν βρέθηκε', 'InvalidRecipient'],
    ['550 Άγνωστη διεύθυνση', 'InvalidRecipient'],
    ['550 כתובת הנמען לא נמצאה', 'InvalidRecipient'],
    ['550 المستلم غير معروف', 'InvalidRecipient'],
    ['Người dùng này không tồn tại trên hệ thống', 'InvalidRecipient'],
    ['550 ผู้รับไม่มีอยู่ในระบบ', 'InvalidRecipient'],
    ['550 Penerima tidak terdaftar', 'InvalidRecipient'],
    ['550 Mottakeren eksisterer ikke', 'InvalidRecipient'],
    ['550 Modtageren findes ikke', 'InvalidRecipient'],
    ['550 Käyttäjää ei ole olemassa', 'InvalidRecipient'],
    ['550 A felhasználó nem található', 'InvalidRecipient'],
    ['550 Příjemce neexistuje', 'InvalidRecipient'],
    ['550 Der Empfänger ist hier nicht bekannt', 'InvalidRecipient'],
    ['550 Den Benutzer gibt es nicht', 'InvalidRecipient'],
    ['550 Caixa de correio não encontrada', 'InvalidRecipient'],
    ['550 Girilen e-posta adresi geçersiz', 'InvalidRecipient'],
    ['550 Адресата не знайдено', 'InvalidRecipient'],
    ['550 Ο λογαριασμός δεν υπάρχει', 'InvalidRecipient'],
    ['550 לא קיים משתמש בשם זה', 'InvalidRecipient'],
    ['550 Không tìm thấy người nhận', 'InvalidRecipient'],
    ['550 Sähköpostiosoitetta ei löydy', 'InvalidRecipient'],
    ['550 Érvénytelen címzett', 'InvalidRecipient'],
    // Nearest phrases of other labels: the sender, a full or disabled mailbox, the domain.
    ['553 Gönderen adresi geçersiz', 'InvalidSender'],
    ['553 Адреса відправника не існує', 'InvalidSender'],
    ['553 Ο αποστολέας είναι άγνωστος', 'InvalidSender'],
    ['553 כתובת השולח אינה קיימת', 'InvalidSender'],
    ['553 Alamat pengirim tidak valid', 'InvalidSender'],
    ['553 Avsenderadressen er ugyldig', 'InvalidSender'],
    ['Kullanıcının posta kutusu dolu', 'QuotaIssues'],
    ['Hộp thư của người nhận đã đầy', 'QuotaIssues'],
    ['Alıcının hesabı askıya alınmış', 'InactiveMailbox'],
    ['550 Alan adı mevcut değil', 'BadDomain'],
  ],
  'the account disabled or closed': [
    ['Posta kutusu kapatılmış', 'InactiveMailbox'],
    ['550 Акаунт користувача деактивовано', 'InactiveMailbox'],
    ['550 Ο λογαριασμός είναι σε αναστολή', 'InactiveMailbox'],
    ['550 החשבון נחסם', 'InactiveMailbox'],
    ['550 تم تعطيل الحساب', 'InactiveMailbox'],
    ['550 Tài khoản người nhận bị tạm ngưng', 'InactiveMailbox'],
    ['550 บัญชีนี้ถูกปิดแล้ว', 'InactiveMailbox'],
    ['550 Akun penerima telah diblokir', 'InactiveMailbox'],
    ['550 Kontoen er deaktivert', 'InactiveMailbox'],
    ['550 Tili on lukittu', 'InactiveMailbox'],
    ['550 A postafiók zárolva', 'InactiveMailbox'],
    ['550 Contul a fost suspendat', 'InactiveMailbox'],
    ['550 Deaktiveret konto', 'InactiveMailbox'],
    // Nearest phrases of other labels: the sending IP blocked is no disabled mailbox.
    ['554 IP adresiniz engellendi', 'Uncategorized'],
    ['552 Hesap kotası aşıldı', 'QuotaIssues'],
  ],
  'the mailbox full': [
    ['Alıcının gelen kutusu doldu', 'QuotaIssues'],
    ['Скринька отримувача переповнена', 'QuotaIssues'],
    ['Έχει γίνει υπέρβαση του ορίου αποθήκευσης', 'QuotaIssues'],
    ['תיבת הדואר של הנמען מלאה', 'QuotaIssues'],
    ['صندوق البريد الخاص بالمستلم ممتلئ', 'QuotaIssues'],
    ['Hộp thư đến đã đầy', 'QuotaIssues'],
    ['กล่องจดหมายของผู้รับเต็มแล้ว', 'QuotaIssues'],
    ['Kuota kotak surat penerima telah habis', 'QuotaIssues'],
    ['Innboksen til mottakeren er full', 'QuotaIssues'],
    ['Postkassen er fuld', 'QuotaIssues'],
    ['Vastaanottajan postilaatikko on täynnä', 'QuotaIssues'],
    ['A címzett postafiókja megtelt', 'QuotaIssues'],
    ['Căsuța poștală a destinatarului este plină', 'QuotaIssues'],
    ['Der Speicherplatz des Postfachs ist erschöpft', 'QuotaIssues'],
    ['A caixa postal está lotada', 'QuotaIssues'],
    ['Квоту поштової скриньки перевищено', 'QuotaIssues'],
    ['Posta kutusu kotası doldu', 'QuotaIssues'],
    ['Ліміт скриньки вичерпано', 'QuotaIssues'],
    ['Dung lượng hộp thư đã hết', 'QuotaIssues'],
    ['Kiintiö ylitetty', 'QuotaIssues'],
    // Nearest phrases of other labels: not found, disabled.
    ['Posta kutusu bulunamadı', 'InvalidRecipient'],
    ['Hộp thư không tồn tại', 'InvalidRecipient'],
    ['Kotak surat tidak ditemukan', 'InvalidRecipient'],
    ['Postilaatikko on suljettu', 'InactiveMailbox'],
  ],
  'the domain does not exist': [
    ['550 Etki alanı bulunamadı', 'BadDomain'],
    ['550 Домен отримувача не існує', 'BadDomain'],
    ['550 Ο τομέας δεν βρέθηκε', 'BadDomain'],
    ['550 הדומיין לא נמצא', 'BadDomain'],
    ['550 اسم النطاق غير معروف', 'BadDomain'],
    ['550 Không tìm thấy tên miền', 'BadDomain'],
    ['550 Domain penerima tidak dikenal', 'BadDomain'],
    ['550 Domenet eksisterer ikke', 'BadDomain'],
    ['550 Tuntematon verkkotunnus', 'BadDomain'],
    ['550 No se encontró el dominio', 'BadDomain'],
    // Nearest phrases: a 4xx lookup that may succeed later; the sender's domain.
    ['451 Alan adı bulunamadı, daha sonra tekrar deneyin', 'TransientFailure'],
    ['553 Gönderen alan adı bulunamadı', 'InvalidSender'],
    // A domain named inside an address is no verdict on the domain.
    ['550 Alamat budi@domain.example tidak ditemukan', 'InvalidRecipient'],
  ],
  'refused as spam': [
    ['554 İleti spam olarak işaretlendi', 'SpamContent'],
    ['554 Лист розпізнано як спам', 'SpamContent'],
    ['554 Το μήνυμα χαρακτηρίστηκε ως ανεπιθύμητο', 'SpamContent'],
    ['554 ההודעה זוהתה כספאם', 'SpamContent'],
    ['554 تم رفض الرسالة لأنها بريد عشوائي', 'SpamContent'],
    ['554 Thư bị đánh dấu là thư rác', 'SpamContent'],
    ['554 ข้อความถูกตรวจพบว่าเป็นสแปม', 'SpamContent'],
    ['554 Email dianggap spam', 'SpamContent'],
    ['554 Meldingen ble vurdert som spam', 'SpamContent'],
    ['554 Az üzenet spamnek minősült', 'SpamContent'],
    ['554 Mesajul a fost marcat drept spam', 'SpamContent'],
    ['554 Die E-Mail wurde als Junk eingestuft', 'SpamContent'],
    // Nearest phrases: the sending IP on a list is no verdict on the message.
    ['554 Ihre IP ist als Spamquelle bekannt und gesperrt', 'SpamBlock'],
  ],
  'not delivered in time': [
    ['Nach 3 Tagen wurde die Zustellung abgebrochen', 'MessageExpired'],
    ['Die Zustellung wurde eingestellt', 'MessageExpired'],
    ["Après plusieurs tentatives, le message n'a pas pu être remis", 'MessageExpired'],
    ['Dopo diversi tentativi il messaggio non è stato recapitato', 'MessageExpired'],
    ['Não foi possível entregar após várias tentativas', 'MessageExpired'],
    ['Mesaj 3 gün içinde teslim edilemedi', 'MessageExpired'],
    ['Не вдалося доставити лист протягом 5 днів', 'MessageExpired'],
    ['Không thể gửi thư trong vòng 2 ngày', 'MessageExpired'],
    ['Pesan tidak dapat dikirim dalam 3 hari', 'MessageExpired'],
    ['邮件在3天内未能送达', 'MessageExpired'],
    // Nearest phrases of other labels: a retry announced is no expiry.
    ['451 Bitte versuchen Sie es in 2 Stunden erneut', 'TransientFailure'],
  ],
  'the server unreachable, relaying refused': [
    ['Mailserver des Empfängers nicht erreichbar', 'NoAnswerFromHost'],
    ['Le serveur de destination est injoignable', 'NoAnswerFromHost'],
    ['Hedef sunucuya ulaşılamadı', 'NoAnswerFromHost'],
    ['Máy chủ nhận không phản hồi', 'NoAnswerFromHost'],
    ['554 Relay-Zugang verweigert', 'RelayDenied'],
    ['550 Relay tidak diizinkan', 'RelayDenied'],
    ['550 Relay ikke tilladt', 'RelayDenied'],
    // Nearest phrases: a service unavailable, try again later.
    ['421 Dienst nicht verfügbar, bitte später erneut versuchen', 'TransientFailure'],
  ],
};

describe('phrase families of the shipped rules in more languages (h58)', () => {
  const classifier = compileClassifier(shipped);
  describe.each(Object.entries(FAMILIES))('%s', (_family, cases) => {
    it.each(cases)('%j → %s', (line, expected) => {
      expect(classifier.classifyLine(line).label).toBe(expected);
    });
  });
});
