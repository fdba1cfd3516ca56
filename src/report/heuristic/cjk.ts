// The labels of Japanese, Chinese and Korean bounce notices: the words before a failed
// recipient (宛先 / 受信者, 收件人 / 收件者, 받는 사람 / 수신자) and before the reason (理由,
// 退信原因 / 失败原因, 실패 사유 / 반송 사유), each followed by an ASCII or a full-width
// colon (U+FF1A, what CJK input methods type) and spaces in any number. Carriers, ISPs
// and providers write these notices without a DSN (QQ Mail's and Tencent Exmail's 退信
// notice: "收件人：a@b" then "退信原因"; NetEase's 系统退信: "收件人：" and "退信原因：";
// Japanese carriers' and ISPs' "宛先: a@b" / "理由: ..."; Naver's and Daum's "받는 사람 :"
// and "실패 사유 :"), so the block collector and the last-resort scan read them here.
// The words are the ordinary words of the three languages for "recipient" and "reason"
// (own list, from the notices' common wording), not one provider's template.
/** Words that name the recipient a line gives (the line starts with one). */
const RECIPIENT_LABELS = [
  // Japanese: 宛先 (destination), あて先, 受信者 (receiver, Exchange's Japanese NDR),
  // 送信先 (sent to), 配送先 / 配信先 (delivered to), 受取人.
  '宛先',
  'あて先',
  '受信者',
  '送信先',
  '配送先',
  '配信先',
  '受取人',
  // Chinese (simplified and traditional): 收件人 / 收件者 / 收信人 (recipient),
  // 收件地址 (recipient address).
  '收件人',
  '收件者',
  '收信人',
  '收件地址',
  // Korean: 받는 사람 / 받는사람 (recipient), 수신자 / 수신인 (receiver), 받는 주소.
  '받는 사람',
  '받는사람',
  '수신자',
  '수신인',
  '받는 주소',
];

/** Words that name the reason a line gives (the line starts with one). */
const REASON_LABELS = [
  // Japanese: 理由 (reason), 原因 (cause), エラー内容 / エラー理由 / エラー原因 (error details),
  // 詳細 (details).
  'エラー理由',
  'エラー原因',
  'エラー内容',
  '理由',
  '原因',
  '詳細',
  // Chinese: 退信原因 (bounce reason), 失败原因 / 失敗原因 (failure reason), 错误原因 /
  // 錯誤原因, 退回原因, 错误信息 / 錯誤訊息 (error message).
  '退信原因',
  '失败原因',
  '失敗原因',
  '错误原因',
  '錯誤原因',
  '退回原因',
  '错误信息',
  '錯誤訊息',
  // Korean: 실패 사유 / 반송 사유 / 오류 사유 (failure, return, error reason), 사유, 원인,
  // 오류 내용 (error details).
  '실패 사유',
  '실패사유',
  '반송 사유',
  '반송사유',
  '오류 사유',
  '오류 내용',
  '사유',
  '원인',
];

/** Marks a notice puts before a label: bullets and brackets (■ ● ・ ◆ ★ 【 [ ). */
const BULLETS = '■□●○・◆◇★☆※【[〔<＜(（';
/** Marks after a label (before its colon or at the end of a lead-in line). */
const CLOSERS = '】]〕>＞)）';

/**
 * English glosses bilingual notices put in brackets after a CJK label ("收件人(Recipient)：",
 * "错误原因(Reason)：", "宛先(Address)："), lower case: the label's own meaning in English, as
 * the Chinese and Japanese providers that write both languages gloss their fields (own list
 * of the ordinary English words for the two fields; a plural, a list's heading, is none).
 */
const GLOSSES = new Set([
  'recipient',
  'recipient address',
  'address',
  'reason',
  'cause',
  'error',
  'error reason',
  'failure reason',
  'details',
]);

/**
 * `rest` after a bracketed qualifier of ASCII letters that names the header field a
 * recipient label stands for: "送信先(TO)：", "送信先（CC）：", "收件人(Bcc)：" (Mail Defender's
 * notice lists its TO, CC and BCC recipients so), or after an English gloss of the label
 * (GLOSSES). `rest` itself when there is none.
 */
function skipQualifier(rest: string): string {
  const open = rest.charAt(0);
  if (open !== '(' && open !== '（') return rest;
  let k = 1;
  while (k < rest.length && k <= 4) {
    const c = rest.charCodeAt(k);
    if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a))) break;
    k++;
  }
  const close = rest.charAt(k);
  if (k > 1 && (close === ')' || close === '）')) return rest.slice(k + 1);
  for (let end = 1; end < rest.length && end <= 24; end++) {
    const c = rest.charAt(end);
    if (c !== ')' && c !== '）') continue;
    return GLOSSES.has(rest.slice(1, end).trim().toLowerCase()) ? rest.slice(end + 1) : rest;
  }
  return rest;
}

/** True when `rest` starts with white space holding a tab: a table cell's end. */
function cellBreak(rest: string): boolean {
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charCodeAt(i);
    if (c === 0x09) return true;
    if (c !== 0x20) return false;
  }
  return false;
}

/**
 * `line` (trimmed) after `label` and its colon (or the cell break after a label cell),
 * or null when it does not start so.
 */
function afterLabel(
  line: string,
  labels: readonly string[],
  colonRequired: boolean,
): string | null {
  let s = line.trim();
  let i = 0;
  while (i < s.length && BULLETS.indexOf(s.charAt(i)) >= 0) i++;
  if (i > 0) s = s.slice(i).trimStart();
  for (const label of labels) {
    if (!s.startsWith(label)) continue;
    let rest = skipQualifier(s.slice(label.length));
    let j = 0;
    while (j < rest.length && CLOSERS.indexOf(rest.charAt(j)) >= 0) j++;
    rest = rest.slice(j);
    // "<td>실패 사유</td><td>...</td>": the next table cell (a tab, see htmlToText) is
    // the label's value, as after a colon.
    const cell = cellBreak(rest);
    rest = rest.trimStart();
    const c = rest.charAt(0);
    if (c === ':' || c === '：') return rest.slice(1).trim();
    if (cell && rest !== '') return rest.trim();
    // "【宛先】 a@b": a bracketed label needs no colon.
    if (!colonRequired || j > 0) return rest;
  }
  return null;
}

/**
 * Headings of the advice CJK notices give after the reason (NetEase's 建议解决方案,
 * "解决方法", Japanese 対処方法 / 対処法, Korean 해결 방법): what the sender may do, not why
 * the delivery failed.
 */
const ADVICE_LABELS = [
  '建议解决方案',
  '解决方案',
  '解决方法',
  '解決方法',
  '対処方法',
  '対処法',
  '해결 방법',
  '해결방법',
];

/**
 * What a heading line of a CJK notice opens: `reason` for a reason label alone
 * ("退信原因", "退信原因：", "【理由】"), `advice` for an advice heading, null otherwise.
 */
export function cjkHeading(line: string): 'reason' | 'advice' | null {
  if (afterLabel(line, REASON_LABELS, false) === '') return 'reason';
  return afterLabel(line, ADVICE_LABELS, false) !== null ? 'advice' : null;
}

/**
 * The text after a CJK recipient label and its colon ("宛先: a@b", "收件人：a@b",
 * "받는 사람 : <a@b>", "【宛先】 a@b" give "a@b"), for `leadingAddress` to read; null
 * for other lines (a colon is required, so a sentence that starts with the word is
 * not a label).
 */
export function cjkRecipientText(line: string): string | null {
  const rest = afterLabel(line, RECIPIENT_LABELS, true) ?? cellAfterLabel(line);
  return rest === null || rest === '' ? null : rest;
}

/**
 * The address in the cell after a recipient label: a notice laid out as a table of
 * label and value cells ("<td>收件人</td><td>a@b</td>", Alibaba Mail's and other hosted
 * notices) reads, once its tags are gone, as the label, white space and the value,
 * with no colon. CJK text puts no space between words, so white space right after a
 * label ends the label, and the value must then start as an address does (an ASCII
 * letter, digit or "<"): "收件人 a@b" gives "a@b"; "받는 사람 주소가 ..." (Korean, which
 * spaces its words) gives nothing.
 */
function cellAfterLabel(line: string): string | null {
  const rest = afterLabel(line, RECIPIENT_LABELS, false);
  if (rest === null || rest === '') return null;
  const raw = line.trimEnd();
  const at = raw.lastIndexOf(rest);
  const before = raw.charCodeAt(at - 1);
  if (at <= 0 || !(before === 0x20 || before === 0x09 || before === 0x3000)) return null;
  const c = rest.charCodeAt(0);
  const addressStart =
    c === 0x3c || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  return addressStart ? rest : null;
}

/** The reason a CJK notice gives after its label ("理由: ...", "退信原因：..."), or null. */
export function cjkReasonText(line: string): string | null {
  const rest = afterLabel(line, REASON_LABELS, true);
  return rest === null || rest === '' ? null : rest;
}

/**
 * True when a line is only a CJK reason label, with or without its colon ("退信原因",
 * "退信原因：", "【理由】"): it announces the reason on the lines below.
 */
export function isCjkLeadIn(line: string): boolean {
  return afterLabel(line, REASON_LABELS, false) === '';
}

/** A letter of the CJK scripts: kana, CJK ideographs, Hangul. */
function isCjkLetter(c: number): boolean {
  return (
    (c >= 0x3040 && c <= 0x30ff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0x1100 && c <= 0x11ff) ||
    (c >= 0x3130 && c <= 0x318f) ||
    (c >= 0xac00 && c <= 0xd7af)
  );
}

/**
 * True when a line is a labelled field of a CJK notice that says neither who failed nor
 * why: a label of a few CJK words and a colon ("보낸 날짜 : ...", "메일 제목 : ...", "件名：",
 * "主 题：" (an ideographic space inside), "時間:") that is no recipient or reason label. Notices list the returned
 * message's date, subject and sender this way beside the recipient; they explain nothing.
 * So does a recipient label with no address after it.
 */
export function isCjkOtherField(line: string): boolean {
  // A recipient field left empty ("送信先(CC)：", "送信先(BCC)：" under the TO one): it
  // names no one and explains nothing.
  if (afterLabel(line, RECIPIENT_LABELS, true) === '') return true;
  let s = line.trim();
  let i = 0;
  while (i < s.length && BULLETS.indexOf(s.charAt(i)) >= 0) i++;
  s = s.slice(i).trimStart();
  // The label ends at its colon, or at the tab of a label cell ("보낸 날짜\t2026.12.03").
  let sep = -1;
  for (const mark of [':', '\uff1a', '\t']) {
    const at = s.indexOf(mark);
    if (at >= 0 && (sep < 0 || at < sep)) sep = at;
  }
  if (sep <= 0 || sep > 16) return false;
  let letters = 0;
  for (let j = 0; j < sep; j++) {
    const c = s.charCodeAt(j);
    if (isCjkLetter(c)) letters++;
    else if (c !== 0x20 && c !== 0x3000 && CLOSERS.indexOf(s.charAt(j)) < 0) return false;
  }
  return (
    letters > 0 &&
    afterLabel(s, REASON_LABELS, true) === null &&
    afterLabel(s, RECIPIENT_LABELS, true) === null
  );
}
