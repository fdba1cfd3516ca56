// The "Languages-9 (h164)" families of rules/phrases.toml, found with
// bench/data/blind-replies-languages-9.tsv (thin-language reasons written without reading the
// language families): a scanner's verdict with the verb first in Thai, Persian, Baltic and
// Greek, an attachment type refused in Malay / Indonesian and Hungarian, relaying refused in
// Thai, Hebrew, Romanian, Swedish and Czech / Slovak, SPF in Arabic and authentication
// required in Ukrainian, the sender's address refused in Malay, Finnish and Ukrainian, a
// suspended account in Hungarian, a mailbox out of room or over its storage quota and a
// message over the size limit, a domain absent in Estonian, Romanian and Nordic, an unknown
// recipient in Lithuanian and Bulgarian, a message judged spam, a listed IP in Hungarian,
// delivery given up after the allowed time, a rate limit in Thai and Latvian, a server
// temporarily unavailable in Greek, and a message against policy in Ukrainian. Loaded as the
// bundled config loads the shipped rules. Wordings written here, with the nearest phrases of
// the neighbour labels in the same language that must NOT get the family's label.
import { describeFamilies, describeNearest } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  "a scanner's verdict with the verb before the noun": [
    ['อีเมลของคุณตรวจพบไวรัส จึงถูกลบทิ้ง', 'VirusRelated'],
    ['فایل ارسالی حاوی بدافزار است', 'VirusRelated'],
    ['Vēstule satur vīrusu un netika piegādāta', 'VirusRelated'],
    ['Laiške aptiktas virusas', 'VirusRelated'],
    ['Kiri sisaldab viirust', 'VirusRelated'],
    ['Βρέθηκε ιός στο μήνυμά σας', 'VirusRelated'],
  ],
  'an attachment type refused': [
    ['Lampiran berjenis .exe tidak diizinkan oleh server', 'ProhibitedAttachment'],
    ['A csatolmány típusa (.js) nem megengedett', 'ProhibitedAttachment'],
  ],
  'relaying refused': [
    ['ไม่อนุญาตให้รีเลย์ผ่านเครื่องนี้', 'RelayDenied'],
    ['אסור לשלוח דואר באמצעות השרת הזה ליעד חיצוני', 'RelayDenied'],
    ['Releul către domenii externe nu este permis', 'RelayDenied'],
    ['Reläning tillåts inte för din adress', 'RelayDenied'],
    ['Preposielanie správ cez tento server nie je povolené', 'RelayDenied'],
  ],
  'SPF in Arabic and authentication required in Ukrainian': [
    ['لم يجتز المرسل فحص SPF', 'AuthenticationFailed'],
    ['Для надсилання листів необхідна авторизація', 'AuthenticationFailed'],
  ],
  "the sender's address refused": [
    ['Alamat e-mel pengirim disekat', 'InvalidSender'],
    ['Lähettäjän sähköpostiosoite on estetty', 'InvalidSender'],
    ['Адреса відправника недійсна', 'InvalidSender'],
  ],
  'a suspended account in Hungarian': [['A postafiók felfüggesztésre került', 'InactiveMailbox']],
  'a mailbox out of room, over its storage quota, or a message over the size limit': [
    ['Kuota kotak surat penerima sudah penuh', 'QuotaIssues'],
    ['Adresato dėžutėje nėra vietos', 'QuotaIssues'],
    ['Kasutaja postkastis pole vaba ruumi', 'QuotaIssues'],
    ['В поштовій скриньці немає місця', 'QuotaIssues'],
    ['Korisnik je prekoračio kvotu poštanskog pretinca', 'QuotaIssues'],
    ['Uživatel překročil kvótu své schránky', 'QuotaIssues'],
    ["L'usuari ha esgotat la quota de la bústia", 'QuotaIssues'],
    ['Kích thước thư đã vượt quá giới hạn', 'QuotaIssues'],
    ['Размерът на съобщението превишава лимита', 'QuotaIssues'],
  ],
  'a domain that does not exist or has no MX': [
    ['Domeeni ei leitud', 'BadDomain'],
    ['Domeniul example.ro nu are nicio înregistrare MX', 'BadDomain'],
    ['Domenet example.no finnes ikke', 'BadDomain'],
    ['Domänen kunde inte hittas', 'BadDomain'],
  ],
  'an unknown recipient in Lithuanian and Bulgarian': [
    ['Toks gavėjas nerastas', 'InvalidRecipient'],
    ['Получателят е непознат', 'InvalidRecipient'],
  ],
  'a message judged spam': [
    ['इस ईमेल को स्पैम माना गया', 'SpamContent'],
    ['نامه شما بعنوان اسپم شناسایی شد', 'SpamContent'],
    ['Thư của bạn bị đánh dấu là spam', 'SpamContent'],
    ['E-mailul a fost marcat ca spam', 'SpamContent'],
    ['Спам-фільтр відхилив повідомлення', 'SpamContent'],
  ],
  'a listed IP in Hungarian': [['A küldő IP-cím feketelistára került', 'SpamBlock']],
  'delivery given up after the allowed time': [
    ['ईमेल तय समय में डिलीवर नहीं हुआ', 'MessageExpired'],
    ['انتهت صلاحية إرسال الرسالة', 'MessageExpired'],
    ['Surat gagal dihantar dalam batas masa', 'MessageExpired'],
    ['Isteklo je vreme za dostavu', 'MessageExpired'],
    ['Zprávu se nepodařilo doručit v určeném čase', 'MessageExpired'],
  ],
  'a rate limit, or a server temporarily unavailable': [
    ['ส่งข้อความเร็วเกินไป', 'TransientFailure'],
    ['Pārāk daudz vēstuļu īsā laikā', 'TransientFailure'],
    ['Η υπηρεσία είναι προσωρινά μη διαθέσιμη', 'TransientFailure'],
  ],
  'a message against policy in Ukrainian': [
    ['Повідомлення порушує правила домену', 'PolicyRelated'],
  ],
};

/** [reply, a label it must NOT get]: the nearest phrases of the neighbour labels. */
const NEAREST: Array<[string, string]> = [
  // A host "infected" in a blocklist text is no verdict on the message.
  ['Jūsu IP adrese ir melnajā sarakstā', 'VirusRelated'],
  // An attachment's size is not its type.
  ['A csatolt fájl mérete túl nagy', 'ProhibitedAttachment'],
  ['Saiz lampiran melebihi had', 'ProhibitedAttachment'],
  // A user's own forwarding is no relay refusal.
  ['ไม่อนุญาตให้ส่งต่ออัตโนมัติ', 'RelayDenied'],
  ['Vidarebefordran till extern adress är avstängd', 'RelayDenied'],
  // The recipient's address refused is not the sender's.
  ['Alamat penerima ditolak', 'InvalidSender'],
  ['Vastaanottajan osoite hylättiin', 'InvalidSender'],
  // A sending quota is a rate limit, not a mailbox quota.
  ['Prekoračili ste dnevnu kvotu slanja', 'QuotaIssues'],
  // The recipient's domain absent is no unknown user.
  ['Домейнът на получателя не е намерен', 'InvalidRecipient'],
  // A spam blocklist of senders is no verdict on this message.
  ['Địa chỉ IP của bạn nằm trong danh sách đen', 'SpamContent'],
  // The queue still retrying is no expiry yet.
  ['Dostava poruke je odgođena, pokušat ćemo ponovno', 'MessageExpired'],
  // A mailbox full is not a sending rate.
  ['Pastkastīte ir pilna', 'TransientFailure'],
  // Authentication required is not an SPF result in the sender's domain.
  ['Адресу відправника відхилено', 'AuthenticationFailed'],
];

describeFamilies(FAMILIES);
describeNearest(NEAREST);
