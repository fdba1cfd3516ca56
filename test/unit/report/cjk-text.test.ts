// The pieces that read Chinese, Japanese and Korean notices: charset labels as mailers
// write them (GB2312 holding GB18030 characters, vendor names of EUC and UHC, 7-bit
// Japanese without a label), CJK punctuation around addresses, the recipient and reason
// labels of CJK notices, and the reply prefixes and subjects that tell a notice from a
// person's mail about one. Every text here was written for this test.
import iconv from 'iconv-lite';
import { isEmailAddress } from '../../../src/report/address';
import { decodeCharset, decodeEncodedWords } from '../../../src/report/codec';
import {
  cjkReasonText,
  cjkRecipientText,
  isCjkLeadIn,
  isCjkOtherField,
} from '../../../src/report/heuristic/cjk';
import { isLeadIn, isReplySubject } from '../../../src/report/heuristic/common';
import { parseMessage } from '../../../src/report/index';
import type { OobFinding } from '../../../src/report/types';

function b64(text: string, charset: string): string {
  return iconv.encode(text, charset).toString('base64');
}

describe('CJK charsets', () => {
  it('reads GB2312- and GBK-labelled text as GB18030, which holds both', () => {
    const text = '收件人邮箱已满，关于㐀字';
    const bytes = iconv.encode(text, 'gb18030');
    for (const label of ['gb2312', 'GB2312', 'gbk', 'x-gbk', 'cp936', 'euc-cn', 'x-euc-cn'])
      expect(decodeCharset(bytes, label)).toBe(text);
    expect(decodeEncodedWords(`=?gb2312?B?${b64('系统退信㐀', 'gb18030')}?=`)).toBe('系统退信㐀');
  });

  it('reads the vendor names of EUC-JP and Korean UHC', () => {
    expect(decodeCharset(iconv.encode('宛先不明', 'euc-jp'), 'x-euc-jp')).toBe('宛先不明');
    expect(decodeCharset(iconv.encode('받는 사람', 'cp949'), 'x-windows-949')).toBe('받는 사람');
    expect(decodeCharset(iconv.encode('받는 사람', 'cp949'), 'ks_c_5601-1987')).toBe('받는 사람');
  });

  it('decodes 7-bit Japanese under no label or an ASCII one, and leaves other escapes', () => {
    const jis = Buffer.from('\x1b$B08@h\x1b(B: a@example.jp', 'latin1');
    expect(decodeCharset(jis, '')).toBe('宛先: a@example.jp');
    expect(decodeCharset(jis, 'us-ascii')).toBe('宛先: a@example.jp');
    const other = Buffer.from('colour \x1b[1mbold\x1b[0m', 'latin1');
    expect(decodeCharset(other, '')).toBe('colour \x1b[1mbold\x1b[0m');
    expect(decodeCharset(Buffer.from('plain text', 'latin1'), 'us-ascii')).toBe('plain text');
  });
});

describe('addresses beside CJK punctuation', () => {
  it('takes no full-width colon, ideographic space or comma into a local part', () => {
    expect(isEmailAddress('收件人：wang@example.cn')).toBe(false);
    expect(isEmailAddress('宛先、a@example.jp')).toBe(false);
    expect(isEmailAddress('수신자\u3000kim@example.kr')).toBe(false);
    // RFC 6531 local parts in CJK letters stay addresses.
    expect(isEmailAddress('山田@example.jp')).toBe(true);
    expect(isEmailAddress('wang@example.cn')).toBe(true);
  });
});

describe('the labels of CJK notices', () => {
  it('finds the text after a recipient label and its colon, in each language', () => {
    expect(cjkRecipientText('宛先: a@example.jp')).toBe('a@example.jp');
    expect(cjkRecipientText('收件人：wang@example.cn')).toBe('wang@example.cn');
    expect(cjkRecipientText('  받는 사람 : <kim@example.kr>')).toBe('<kim@example.kr>');
    expect(cjkRecipientText('【受信者】 b@example.jp')).toBe('b@example.jp');
    expect(cjkRecipientText('■ 收件者： chou@example.tw')).toBe('chou@example.tw');
  });

  it('takes no sentence that only starts with the word for a recipient', () => {
    expect(cjkRecipientText('宛先のメールアドレスが存在しません。')).toBeNull();
    expect(cjkRecipientText('收件人邮箱已满')).toBeNull();
    expect(cjkRecipientText('お問い合わせ：support@example.jp')).toBeNull();
  });

  // [line, the recipient text it gives, or null]. A bracketed header name before the
  // colon ("送信先(TO)："); a table's label and address cells, which lose their tags and
  // keep white space between them ("<td>收件人</td><td>a@b</td>"). Not: a bracket that holds
  // no short header name, words after a label and a space (Korean spaces its words), a
  // label run into the next word.
  it.each<[string, string | null]>([
    ['送信先(TO)：tora@example.org', 'tora@example.org'],
    ['收件人（Cc）： li@example.cn', 'li@example.cn'],
    [' 收件人  zhao@example.cn ', 'zhao@example.cn'],
    ['宛先\t<sato@example.jp>', '<sato@example.jp>'],
    ['送信先(お客様)：tora@example.org', null],
    ['送信先(RECIPIENTS)：tora@example.org', null],
    ['收件人(Recipient)：sun@example.cn', 'sun@example.cn'],
    ['宛先（Recipient Address）: ken@example.jp', 'ken@example.jp'],
    ['收件人(Sender)：sun@example.cn', null],
    ['收件人(see below)：sun@example.cn', null],
    ['수신자 주소가 존재하지 않습니다', null],
    ['收件人地址 zhao@example.cn', null],
  ])('reads the recipient of a bracketed label or a table cell in %j', (line, want) => {
    expect(cjkRecipientText(line)).toBe(want);
  });

  // [line, true when it is a field that explains nothing]: a recipient field left empty
  // is one; a recipient field with its address, and a reason, are not.
  it.each<[string, boolean]>([
    ['送信先(CC)：', true],
    ['送信先(BCC)：', true],
    ['收件人：', true],
    ['送信先(TO)：tora@example.org', false],
    ['理由：ユーザーが存在しません', false],
  ])('tells whether %j is a field that explains nothing', (line, want) => {
    expect(isCjkOtherField(line)).toBe(want);
  });

  it('reads reason labels, and a label alone as a lead-in', () => {
    expect(cjkReasonText('理由: 受信者のメールボックスが一杯です')).toBe(
      '受信者のメールボックスが一杯です',
    );
    expect(cjkReasonText('退信原因：收件人不存在')).toBe('收件人不存在');
    expect(cjkReasonText('실패 사유 : 존재하지 않는 사용자')).toBe('존재하지 않는 사용자');
    expect(cjkReasonText('原因不明のエラー')).toBeNull();
    expect(cjkReasonText('错误原因(Reason): 550 Mailbox not found.')).toBe(
      '550 Mailbox not found.',
    );
    expect(cjkReasonText('失败原因（Error Reason）：收件人不存在')).toBe('收件人不存在');
    expect(cjkReasonText('退信原因(备注)：收件人不存在')).toBeNull();
    expect(isCjkLeadIn('退信原因')).toBe(true);
    expect(isCjkLeadIn('退信原因：')).toBe(true);
    expect(isCjkLeadIn('【理由】')).toBe(true);
    expect(isLeadIn('반송 사유:')).toBe(true);
    expect(isCjkLeadIn('退信原因：收件人不存在')).toBe(false);
    expect(isCjkLeadIn('理由なく拒否されました')).toBe(false);
  });

  it('tells a person answering a notice by the reply prefixes of CJK mail clients', () => {
    expect(isReplySubject('回复：系统退信')).toBe(true);
    expect(isReplySubject('回覆: 退信')).toBe(true);
    expect(isReplySubject('返信: 配信エラー')).toBe(true);
    expect(isReplySubject('회신: 메일 반송')).toBe(true);
    expect(isReplySubject('re：退信')).toBe(true);
    expect(isReplySubject('系统退信')).toBe(false);
  });
});

describe('a CJK notice read whole', () => {
  const notice = (subject: string, from: string, body: string): Buffer =>
    Buffer.from(
      [
        `From: ${from}`,
        'To: sender@example.com',
        `Subject: =?UTF-8?B?${b64(subject, 'utf-8')}?=`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: base64',
        '',
        b64(body, 'utf-8'),
        '',
      ].join('\r\n'),
    );
  const oob = (raw: Buffer) =>
    parseMessage(raw).findings.filter((f): f is OobFinding => f.kind === 'oob');

  it('names each recipient after its label and gives it the reason under a lead-in', () => {
    const found = oob(
      notice(
        '邮件退回',
        'postmaster@mail.example.cn',
        '您的邮件未能送达。\n\n收件人：a@example.cn\n收件人：b@example.cn\n\n退信原因\n收件人邮箱空间已满。\n',
      ),
    );
    expect(found.map((f) => f.recipient)).toEqual(['a@example.cn', 'b@example.cn']);
    for (const f of found) expect(f.reply.content).toContain('收件人邮箱空间已满');
  });

  it('takes the cause stated above the recipients when no reason follows them', () => {
    const found = oob(
      notice(
        '配信エラー',
        'MAILER-DAEMON@mail.example.jp',
        '受信者の受信拒否設定により配信できませんでした。\n\n宛先: c@example.jp\n',
      ),
    );
    expect(found.map((f) => f.recipient)).toEqual(['c@example.jp']);
    expect(found[0]?.reply.content).toContain('受信拒否設定');
  });

  it("reads no bounce in a person's mail with a bounce word in a reply subject", () => {
    expect(
      oob(notice('回复：退信', 'Li Lei <li@example.cn>', '收件人：a@example.cn 是对的吗？\n')),
    ).toEqual([]);
  });
});
