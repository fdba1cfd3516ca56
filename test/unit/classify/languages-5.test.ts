// The "Languages-5 (h105)" blocks of rules/phrases.toml: Azerbaijani, Kazakh, Uzbek,
// Georgian, Armenian, Urdu, Bengali, Tamil, Swahili, Afrikaans, Macedonian and the thin
// languages of the earlier sets (Serbian Cyrillic, Slovenian, Slovak, Bulgarian, Romanian,
// Hungarian, Finnish, Estonian, Baltic, Icelandic, Catalan, Basque, Greek, Turkish,
// Hebrew, Arabic, Persian, Hindi, Thai, Vietnamese, Malay, Tagalog), and other phrasings
// in German, Spanish, Italian, Russian and Ukrainian, of the virus verdict, relaying
// refused, a failed SPF / DKIM / DMARC check, the account disabled, the mailbox full,
// the domain and the recipient unknown, the spam verdict and the listed IP. Each family
// is tested with wordings written here, other than those of the open set
// bench/data/blind-replies-languages-5.tsv, and with the nearest phrases of other labels
// that must NOT get its label (a host infected beside a message infected, the IP blocked
// beside an account blocked, a sender "as a source of spam" beside a message "as spam",
// an unknown sender beside an unknown recipient, a domain out of reach for now beside
// one that does not exist).
import { describeFamilies, describeNearest } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'a virus found in the message': [
    ['554 Privitak sadrži virus', 'VirusRelated'],
    ['554 Прикаченият файл съдържа вирус', 'VirusRelated'],
    ['554 Пораката содржи вирус', 'VirusRelated'],
    ['554 V prílohe bol zistený vírus', 'VirusRelated'],
    ['554 זוהה וירוס בקובץ המצורף', 'VirusRelated'],
    ['554 در پیوست ویروس یافت شد', 'VirusRelated'],
    ['554 พบไวรัสในไฟล์แนบ', 'VirusRelated'],
    ['554 Đã phát hiện virus trong tệp đính kèm', 'VirusRelated'],
    ['554 Die Nachricht ist mit einem Trojaner infiziert', 'VirusRelated'],
  ],
  'relaying refused': [
    ['550 Releul prin acest server este interzis', 'RelayDenied'],
    ['550 A levelek továbbítása tiltott', 'RelayDenied'],
    ['550 Postin välitys on kielletty', 'RelayDenied'],
    ['550 El reenviament de correu està denegat', 'RelayDenied'],
    ['550 Η αναμετάδοση μηνυμάτων απαγορεύεται', 'RelayDenied'],
    ['550 Bu sunucu üzerinden aktarıma izin verilmez', 'RelayDenied'],
    ['550 ترحيل البريد ممنوع', 'RelayDenied'],
    ['550 L’inoltro della posta non è consentito', 'RelayDenied'],
    ['550 Пересылка запрещена', 'RelayDenied'],
  ],
  'an SPF, DKIM or DMARC check failed': [
    ['550 5.7.1 Mesajul a eșuat la verificarea DKIM', 'AuthenticationFailed'],
    ['550 لم تجتز الرسالة فحص DMARC', 'AuthenticationFailed'],
    ['550 El mensaje no pasó la comprobación DKIM', 'AuthenticationFailed'],
    ['550 Сообщение не прошло проверку SPF', 'AuthenticationFailed'],
    ['550 Verifikasi DKIM gagal', 'AuthenticationFailed'],
    ['550 SPF-tarkistus epäonnistui', 'AuthenticationFailed'],
    ['550 Kiểm tra SPF thất bại', 'AuthenticationFailed'],
  ],
  'the account disabled': [
    ['550 Bu hesab dayandırılıb', 'InactiveMailbox'],
    ['550 Алушының тіркелгісі өшірілген', 'InactiveMailbox'],
    ['550 Foydalanuvchi hisobi o‘chirilgan', 'InactiveMailbox'],
    ['550 მიმღების ანგარიში შეჩერებულია', 'InactiveMailbox'],
    ['550 Ստացողի հաշիվը կասեցված է', 'InactiveMailbox'],
    ['550 صارف کا اکاؤنٹ بند ہے', 'InactiveMailbox'],
    ['550 প্রাপকের অ্যাকাউন্ট স্থগিত করা হয়েছে', 'InactiveMailbox'],
    ['550 Akaunti ya mpokeaji imefungwa', 'InactiveMailbox'],
    ['550 Hierdie rekening is opgeskort', 'InactiveMailbox'],
    ['550 Корисничката сметка е блокирана', 'InactiveMailbox'],
    ['550 Корисничкиот налог је угашен', 'InactiveMailbox'],
    ['550 Kasutajakonto on blokeeritud', 'InactiveMailbox'],
    ['550 Lietotāja konts ir slēgts', 'InactiveMailbox'],
    ['550 Gavėjo paskyra išjungta', 'InactiveMailbox'],
    ['550 Erabiltzailearen kontua blokeatuta dago', 'InactiveMailbox'],
    ['550 प्राप्तकर्ता का खाता निष्क्रिय है', 'InactiveMailbox'],
    ['550 Na-suspend ang account ng tatanggap', 'InactiveMailbox'],
    // Nearest phrases of other labels: the IP blocked, a mailbox that does not exist.
    ['554 IP ünvanınız qara siyahıdadır və bloklanıb', 'SpamBlock'],
    ['550 Бұндай пайдаланушы тіркелмеген', 'InvalidRecipient'],
  ],
  'the mailbox full': [
    ['452 Poçt qutusu dolub, sonra yenidən cəhd edin', 'QuotaIssues'],
    ['452 Пошта жәшігі толған', 'QuotaIssues'],
    ['452 Pochta qutisi to‘lgan', 'QuotaIssues'],
    ['452 მიმღების საფოსტო ყუთი გადავსებულია', 'QuotaIssues'],
    ['452 Ստացողի փոստարկղը լցված է', 'QuotaIssues'],
    ['452 وصول کنندہ کا میل باکس بھر گیا ہے', 'QuotaIssues'],
    ['452 প্রাপকের মেইলবক্স ভর্তি', 'QuotaIssues'],
    ['452 பெறுநரின் அஞ்சல் பெட்டி நிரம்பிவிட்டது', 'QuotaIssues'],
    ['452 Kisanduku cha mpokeaji kimejaa', 'QuotaIssues'],
    ['452 Ontvanger se posbus is vol', 'QuotaIssues'],
    ['452 Сандачето на примачот е преполно', 'QuotaIssues'],
    ['452 Votre messagerie est saturée', 'QuotaIssues'],
    ['452 Postlådan är full', 'QuotaIssues'],
    ['452 תיבת הדואר מלאה, נסה שוב מאוחר יותר', 'QuotaIssues'],
  ],
  'the recipient domain unknown': [
    ['550 Alıcının domeni tapılmadı', 'BadDomain'],
    ['550 Мұндай домен жоқ', 'BadDomain'],
    ['550 Bunday domen mavjud emas', 'BadDomain'],
    ['550 Доменот на примачот не е пронајден', 'BadDomain'],
    ['550 მიმღების დომენი ვერ მოიძებნა', 'BadDomain'],
    ['550 Ստացողի դոմենը չի գտնվել', 'BadDomain'],
    ['550 یہ ڈومین نہیں ملا', 'BadDomain'],
    ['550 প্রাপকের ডোমেন পাওয়া যায়নি', 'BadDomain'],
    ['550 Kikoa cha mpokeaji hakipatikani', 'BadDomain'],
    ['550 Ontvanger se domein bestaan nie', 'BadDomain'],
    ['550 Domeniul nu există', 'BadDomain'],
    ['550 Saaja domeeni ei eksisteeri', 'BadDomain'],
    ['550 Domēns nav atrasts', 'BadDomain'],
    ['550 Lénið fannst ekki', 'BadDomain'],
    ['550 Domeinua ez da aurkitu', 'BadDomain'],
    ['550 यह डोमेन नहीं मिला', 'BadDomain'],
    ['550 Hindi mahanap ang domain', 'BadDomain'],
  ],
  'the recipient unknown': [
    ['550 Alıcı mövcud deyil', 'InvalidRecipient'],
    ['550 Алушы табылмады', 'InvalidRecipient'],
    ['550 Qabul qiluvchi topilmadi', 'InvalidRecipient'],
    ['550 მიმღები არ არსებობს', 'InvalidRecipient'],
    ['550 Օգտվողը չի գտնվել', 'InvalidRecipient'],
    ['550 یہ صارف نہیں ملا', 'InvalidRecipient'],
    ['550 প্রাপক অজানা', 'InvalidRecipient'],
    ['550 இந்த பயனரின் முகவரி காணப்படவில்லை', 'InvalidRecipient'],
    ['550 Mpokeaji hajulikani', 'InvalidRecipient'],
    ['550 Ontvanger is onbekend', 'InvalidRecipient'],
    ['550 Непознат корисник', 'InvalidRecipient'],
    ['550 Примачот не е пронајден', 'InvalidRecipient'],
    ['550 No existe ese usuario en el servidor', 'InvalidRecipient'],
    ['550 Empfängerpostfach nicht vorhanden', 'InvalidRecipient'],
    // Nearest phrases of other labels: the sender unknown, the domain unknown.
    ['553 Gönderici adresi mevcut değil', 'InvalidSender'],
    ['550 Domen mövcud deyil: alıcı yoxdur', 'BadDomain'],
  ],
  'the message refused as spam': [
    ['554 Məktub spam kimi rədd edildi', 'SpamContent'],
    ['554 Хат спам ретінде белгіленді', 'SpamContent'],
    ['554 Xabar spam deb rad etildi', 'SpamContent'],
    ['554 შეტყობინება სპამად იქნა მიჩნეული', 'SpamContent'],
    ['554 Հաղորդագրությունը դասակարգվել է որպես սպամ', 'SpamContent'],
    ['554 یہ پیغام اسپام کے طور پر مسترد ہوا', 'SpamContent'],
    ['554 বার্তাটি স্প্যাম হিসাবে চিহ্নিত হয়েছে', 'SpamContent'],
    ['554 இந்த செய்தி ஸ்பேமாக குறிக்கப்பட்டது', 'SpamContent'],
    ['554 Ujumbe huu umetambuliwa kama barua taka', 'SpamContent'],
    ['554 Die boodskap is as strooipos gemerk', 'SpamContent'],
    ['554 Порака е означена као спам', 'SpamContent'],
    ['554 Sporočilo je označeno kot spam', 'SpamContent'],
    ['554 Kiri märgiti rämpspostina', 'SpamContent'],
    ['554 Vēstule atzīta kā mēstule', 'SpamContent'],
    ['554 Laiškas pažymėtas kaip brukalas', 'SpamContent'],
    ['554 Skeytið var flokkað sem ruslpóstur', 'SpamContent'],
    ['554 Mezua zabor-posta gisa markatu da', 'SpamContent'],
    ['554 Mesej dikategorikan sebagai spam', 'SpamContent'],
    ['554 Minarkahan bilang spam ang mensahe', 'SpamContent'],
    ['554 Ihre E-Mail wurde durch den Spamfilter abgelehnt', 'SpamContent'],
    ['554 Письмо заблокировано спам-фильтром', 'SpamContent'],
    ['554 Повідомлення позначено як спам', 'SpamContent'],
  ],
  'the sending IP on a blocklist or blocked': [
    ['554 Göndərən IP qara siyahıya salınıb', 'SpamBlock'],
    ['554 Сіздің IP мекенжайыңыз қара тізімде', 'SpamBlock'],
    ['554 IP manzilingiz qora ro‘yxatda', 'SpamBlock'],
    ['554 თქვენი IP მისამართი შავ სიაშია', 'SpamBlock'],
    ['554 Ձեր IP հասցեն սև ցուցակում է', 'SpamBlock'],
    ['554 آپ کا IP بلیک لسٹ میں ہے', 'SpamBlock'],
    ['554 আপনার IP ঠিকানা কালো তালিকায় আছে', 'SpamBlock'],
    ['554 உங்கள் IP கருப்புப் பட்டியலில் உள்ளது', 'SpamBlock'],
    ['554 IP yako iko kwenye orodha nyeusi', 'SpamBlock'],
    ['554 Die IP-adres is op die swartlys geplaas', 'SpamBlock'],
    ['554 Вашата IP адреса е на црната листа', 'SpamBlock'],
    ['554 IP-aadress on mustas nimekirjas', 'SpamBlock'],
    ['554 IP adrese ir melnajā sarakstā', 'SpamBlock'],
    ['554 IP adresas yra juodajame sąraše', 'SpamBlock'],
    ['554 IP-talan er á svörtum lista', 'SpamBlock'],
    ['554 L’adreça IP consta en una llista negra', 'SpamBlock'],
    ['554 آی‌پی فرستنده در فهرست سیاه است', 'SpamBlock'],
    ['554 भेजने वाला IP काली सूची में है', 'SpamBlock'],
    ['554 ที่อยู่ IP ผู้ส่งถูกขึ้นบัญชีดำ', 'SpamBlock'],
    ['554 ה-IP שלכם נחסם', 'SpamBlock'],
    ['554 IP adresa odosielateľa je na čiernej listine', 'SpamBlock'],
  ],
};

describeFamilies(FAMILIES);

// A probe of further own wordings, written after the families above passed and before it
// was run: 8/52 at its first run (the families knew the nouns of the open set's lines
// only: an address, a quota, an inactive mailbox, the relay, the IP and the spam filter
// in these languages, and a virus found in Azerbaijani, Kazakh, Georgian, Swahili and
// Afrikaans, were missing). The families were then widened by meaning (more nouns and
// verdicts, an InvalidSender block so that an address noun is read as the recipient's
// only after the sender's); 52/52 since, and the probe is kept here. Two slips of the
// same kind turned up in older blocks and are tested here too: RE2's \b is ASCII-only, so
// a word that starts with another letter inside a \b group is never matched
// ("送信ドメイン" of the CJK authentication family, the Slovak "čiernej listine").
const PROBES: Record<string, Array<[string, string]>> = {
  'the address unknown (probe)': [
    ['550 Göstərilən e-poçt ünvanı mövcud deyil', 'InvalidRecipient'],
    ['550 Бұл электрондық пошта мекенжайы жоқ', 'InvalidRecipient'],
    ['550 Bu manzil mavjud emas', 'InvalidRecipient'],
    ['550 ეს ელფოსტის მისამართი არ არსებობს', 'InvalidRecipient'],
    ['550 Այս էլ. հասցեն գոյություն չունի', 'InvalidRecipient'],
    ['550 یہ ای میل پتہ موجود نہیں ہے', 'InvalidRecipient'],
    ['550 এই ইমেল ঠিকানার কোনো অস্তিত্ব নেই', 'InvalidRecipient'],
    ['550 Barua pepe hii haipo', 'InvalidRecipient'],
    ['550 Hierdie e-posadres bestaan nie', 'InvalidRecipient'],
    ['550 Оваа е-адреса не постои', 'InvalidRecipient'],
  ],
  'the mailbox full or over quota (probe)': [
    ['452 Alıcının qutusunda yer qalmayıb', 'QuotaIssues'],
    ['452 Пошта жәшігінің квотасы асып кетті', 'QuotaIssues'],
    ['452 ყუთის კვოტა ამოწურულია', 'QuotaIssues'],
    ['452 Sanduku la barua limefikia kikomo chake', 'QuotaIssues'],
    ['452 Die posbus het sy kwota oorskry', 'QuotaIssues'],
    ['452 Поштенското сандаче ја надмина квотата', 'QuotaIssues'],
  ],
  'the mailbox inactive (probe)': [
    ['550 Ushbu pochta qutisi faol emas', 'InactiveMailbox'],
    ['550 ეს საფოსტო ყუთი გათიშულია', 'InactiveMailbox'],
    ['550 Hierdie posbus is nie meer aktief nie', 'InactiveMailbox'],
    ['550 Sanduku hili la barua limefungwa', 'InactiveMailbox'],
    ['550 Tento účet bol zrušený', 'InactiveMailbox'],
  ],
  'the domain unknown (probe)': [
    ['550 Göstərilən domen tapılmadı', 'BadDomain'],
    ['550 Тапсырылған домен жоқ', 'BadDomain'],
    ['550 ამ სახელის დომენი არ არსებობს', 'BadDomain'],
    ['550 Jina la kikoa halipo', 'BadDomain'],
  ],
  'refused by the spam filter or as spam (probe)': [
    ['554 Məktubunuz spam filtri tərəfindən rədd edildi', 'SpamContent'],
    ['554 Ваше писмо е одбиено како спам', 'SpamContent'],
    ['554 წერილი სპამის ფილტრმა დაბლოკა', 'SpamContent'],
    ['554 Barua imezuiwa na kichujio cha barua taka', 'SpamContent'],
    ['554 Die boodskap is deur die spamfilter verwerp', 'SpamContent'],
  ],
  'the IP blocked (probe)': [
    ['554 Sizin IP ünvanı bloklanıb', 'SpamBlock'],
    ['554 თქვენი IP დაბლოკილია', 'SpamBlock'],
    ['554 IP yako imezuiwa', 'SpamBlock'],
    ['554 Jou IP-adres is geblokkeer', 'SpamBlock'],
    ['554 Вашата IP адреса е блокирана', 'SpamBlock'],
  ],
  'relaying refused (probe)': [
    ['550 Relay-ə icazə verilmir', 'RelayDenied'],
    ['550 Релеге рұқсат етілмейді', 'RelayDenied'],
    ['550 რელეი აკრძალულია', 'RelayDenied'],
    ['550 Uhamishaji (relay) hauruhusiwi', 'RelayDenied'],
    ['550 Aanstuur (relay) word nie toegelaat nie', 'RelayDenied'],
  ],
  'a virus found (probe)': [
    ['554 Məktubda virus aşkar edildi', 'VirusRelated'],
    ['554 Хатта вирус табылды', 'VirusRelated'],
    ['554 შეტყობინებაში აღმოჩენილია ვირუსი', 'VirusRelated'],
    ['554 Virusi imegunduliwa katika ujumbe', 'VirusRelated'],
    ['554 ’n Virus is in die boodskap gevind', 'VirusRelated'],
  ],
  'an SPF, DKIM or DMARC check failed (probe)': [
    ['550 Məktub SPF yoxlamasından keçmədi', 'AuthenticationFailed'],
    ['550 Хат DMARC тексеруінен өтпеді', 'AuthenticationFailed'],
    ['550 Ujumbe umeshindwa uthibitishaji wa DKIM', 'AuthenticationFailed'],
    ['550 Die boodskap het die SPF-toets gedruip', 'AuthenticationFailed'],
  ],
  'too many messages, try later (probe)': [
    ['421 Çox sayda məktub, sonra yenidən cəhd edin', 'TransientFailure'],
    ['421 Тым көп хат жіберілді, кейінірек қайталаңыз', 'TransientFailure'],
    ['421 Barua nyingi mno zimetumwa, jaribu tena baadaye', 'TransientFailure'],
  ],
  'older blocks: a word inside a \\b group that starts with a non-ASCII letter': [
    ['550 送信ドメイン認証に失敗しました', 'AuthenticationFailed'],
    ['554 IP adresa je na čiernej listine', 'SpamBlock'],
  ],
};

describeFamilies(PROBES);

/** [reply, the label it must NOT get]: nearest phrases whose right label is another. */
const MUST_NOT: Array<[string, string]> = [
  // A host infected with a trojan is a blocklist's text about the sender.
  ['554 Ihr Server ist mit einem Trojaner infiziert', 'VirusRelated'],
  // A virus scanner out of service, or a message without a virus, is no verdict.
  ['451 Virenscanner nicht verfügbar, bitte später erneut versuchen', 'VirusRelated'],
  // A relay server out of reach, and a transfer refused, are no refusal to relay.
  ['451 Releul nu răspunde, încercați mai târziu', 'RelayDenied'],
  ['554 Mesaj aktarımı reddedildi', 'RelayDenied'],
  // An SPF record named without a failure is no failed check.
  ['550 Lütfen SPF kaydınızı kontrol edin', 'AuthenticationFailed'],
  // The IP blocked, and a user who does not exist, are no disabled account.
  ['554 IP мекенжайыңыз бұғатталған', 'InactiveMailbox'],
  ['550 Hisob topilmadi', 'InactiveMailbox'],
  // A mailbox that does not exist is no full one.
  ['550 Sanduku la barua halipo', 'QuotaIssues'],
  ['550 Die posbus bestaan nie', 'QuotaIssues'],
  // A domain out of reach for now is no domain that does not exist.
  ['451 Domen müvəqqəti əlçatan deyil', 'BadDomain'],
  ['451 დომენი დროებით მიუწვდომელია', 'BadDomain'],
  // The sender unknown is no unknown recipient.
  ['553 Göndərən tapılmadı', 'InvalidRecipient'],
  ['553 Mtumaji hajulikani', 'InvalidRecipient'],
  // A sender "as a source of spam" is a blocklist's text, not a spam verdict on the message.
  ['554 IP ваш отмечен как источник спама', 'SpamContent'],
  ['554 IP imeorodheshwa kama chanzo cha barua taka', 'SpamContent'],
  ['554 IP-ul a fost blocat pentru trimitere de spam', 'SpamContent'],
  // The sender's address unknown is no unknown recipient; an IP address blocked is no
  // disabled account; a sending quota is no full mailbox.
  ['553 Göndərənin ünvanı mövcud deyil', 'InvalidRecipient'],
  ['554 Sizin IP ünvanınız bloklanıb', 'InactiveMailbox'],
  ['452 Göndərmə kvotası aşılıb', 'QuotaIssues'],
  // A relay server out of reach, and no virus found, are no refusal and no verdict.
  ['451 Relay-server müvəqqəti əlçatan deyil', 'RelayDenied'],
  ['Хатта вирус табылмады', 'VirusRelated'],
  // A list of allowed senders is no blocklist.
  ['550 Ang address ay wala sa whitelist', 'SpamBlock'],
];

describeNearest(MUST_NOT);
