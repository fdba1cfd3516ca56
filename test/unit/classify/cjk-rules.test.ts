// The Japanese, Chinese and Korean phrase families of rules/phrases.toml (its "CJK
// block" comments), loaded with the other shipped rules as config/oobd.toml loads them.
// Each family is tested with wordings written here (not those of
// bench/data/blind-replies-cjk.tsv) and with the nearest phrases of other labels that
// must NOT get its label: the sender against the recipient, a full mailbox against a
// message too large and a sending limit, a recipient's block list against a spam verdict
// and a block-listed IP.
import { checkRules, compileClassifier } from '../../../src/classify/index';
import { describeFamilies, shippedRules } from '../../helpers/shipped-rules';

const shipped = shippedRules();

const FAMILIES: Record<string, Array<[string, string]>> = {
  'unknown recipients': [
    ['550 收件人帐号不存在', 'InvalidRecipient'],
    ['邮件地址无效，请确认收件人地址', 'InvalidRecipient'],
    ['查无此人', 'InvalidRecipient'],
    ['用戶不存在', 'InvalidRecipient'],
    ['550 해당 메일 주소를 찾을 수 없습니다', 'InvalidRecipient'],
    ['존재하지 않는 아이디입니다', 'InvalidRecipient'],
    ['宛先のユーザーは存在しません', 'InvalidRecipient'],
  ],
  'suspended accounts': [
    ['该账户已被停用', 'InactiveMailbox'],
    ['收件人帳號已被凍結', 'InactiveMailbox'],
    ['アカウントが凍結されているため受信できません', 'InactiveMailbox'],
    ['장기 미사용으로 휴면 상태인 계정입니다', 'InactiveMailbox'],
    ['비활성화된 사용자입니다', 'InactiveMailbox'],
  ],
  'full mailboxes and messages too large': [
    ['收件人的邮箱空间不足', 'QuotaIssues'],
    ['信箱容量已滿，無法收信', 'QuotaIssues'],
    ['받은편지함이 꽉 차서 메일을 받을 수 없습니다', 'QuotaIssues'],
    ['사서함 용량이 부족합니다', 'QuotaIssues'],
    ['送信データのサイズが大きすぎるため拒否されました', 'QuotaIssues'],
    ['附件过大，无法发送', 'QuotaIssues'],
    ['메시지 크기가 너무 큽니다', 'QuotaIssues'],
  ],
  'missing domains, against the sender side': [
    ['无法解析收件人域名: 主机 example.invalid 不存在', 'BadDomain'],
    ['網域不存在', 'BadDomain'],
    ['도메인이 존재하지 않습니다', 'BadDomain'],
    ['寄件者網域無效', 'InvalidSender'],
    ['発信者のドメインが見つかりません', 'InvalidSender'],
    ['발신자 주소가 유효하지 않습니다', 'InvalidSender'],
  ],
  'receiving restrictions and block lists of the recipient': [
    ['受信者が拒否設定をしているため配信できませんでした', 'PolicyRelated'],
    ['ドメイン指定受信が設定されています', 'PolicyRelated'],
    ['URL付きメールの受信拒否が設定されています', 'PolicyRelated'],
    ['您的邮件已被收件人拒收', 'PolicyRelated'],
    ['对方设置了过滤规则', 'PolicyRelated'],
    ['수신자가 귀하의 메일을 수신 거부하였습니다', 'PolicyRelated'],
    ['받는 사람의 필터 설정에 의해 차단되었습니다', 'PolicyRelated'],
  ],
  'spam verdicts and listed IPs, against the recipient settings': [
    ['スパムメールと判断されました', 'SpamContent'],
    ['该邮件被识别为垃圾邮件', 'SpamContent'],
    ['스팸성 메일로 분류되어 반송되었습니다', 'SpamContent'],
    ['发信IP已被列入黑名单', 'SpamBlock'],
    ['接続元IPアドレスはブラックリストに掲載されています', 'SpamBlock'],
    ['受信者の迷惑メールフィルターによりブロックされました', 'PolicyRelated'],
  ],
  'expiry, rates, connections': [
    ['配信期限切れのため返送します', 'MessageExpired'],
    ['邮件在发送队列中超时', 'MessageExpired'],
    ['발송 기한이 만료되었습니다', 'MessageExpired'],
    ['您发信频率过高，请稍后再发', 'TransientFailure'],
    ['1時間あたりの送信件数の上限を超えました', 'TransientFailure'],
    ['수신 제한 건수에 도달했습니다', 'TransientFailure'],
    ['对方服务器连接数过多', 'TransientFailure'],
    ['相手先のメールサーバーへ接続できませんでした', 'NoAnswerFromHost'],
    ['메일 서버에 연결할 수 없습니다', 'NoAnswerFromHost'],
  ],
  'viruses, relaying, authentication': [
    ['添付ファイルからウィルスが検知されました', 'VirusRelated'],
    ['郵件含有病毒，已被攔截', 'VirusRelated'],
    ['첨부 파일에서 바이러스가 검출되었습니다', 'VirusRelated'],
    ['このサーバーでは中継できません', 'RelayDenied'],
    ['拒绝中继', 'RelayDenied'],
    ['DKIM署名の検証に失敗しました', 'AuthenticationFailed'],
    ['DMARC 验证未通过', 'AuthenticationFailed'],
    ['SPF 인증에 실패했습니다', 'AuthenticationFailed'],
  ],
  'texts that say no failure and must stay unlabelled': [
    ['メールを送信しました', 'Uncategorized'],
    ['收件人：zhang@example.cn', 'Uncategorized'],
    ['이 메일은 발신 전용입니다', 'Uncategorized'],
    ['詳しくは管理者にお問い合わせください', 'Uncategorized'],
    ['请检查收件人地址是否正确', 'Uncategorized'],
  ],
};

describe('the CJK phrase families of the shipped rules', () => {
  const classifier = compileClassifier(shipped);

  it('compile without errors or warnings', () => {
    const check = checkRules(shipped);
    expect(check.errors).toEqual([]);
    expect(check.warnings).toEqual([]);
  });

  it.each<[string, string, Parameters<typeof classifier.classifyLine>[1]]>([
    // docomo refuses what the recipient's receiving settings refuse after DATA, with
    // the words of an unknown user; at RCPT TO they mean one, and other servers' after
    // DATA (an LMTP delivery) too.
    ['550 Unknown user hanako@docomo.ne.jp', 'PolicyRelated', { command: 'DATA' }],
    ['550 Unknown user hanako@docomo.ne.jp (in reply to end of DATA command)', 'PolicyRelated', {}],
    ['550 Unknown user hanako@docomo.ne.jp', 'InvalidRecipient', { command: 'RCPT TO' }],
    ['550 Unknown user hanako@docomo.ne.jp', 'InvalidRecipient', {}],
    ['550 5.1.1 Unknown user hanako@example.jp', 'InvalidRecipient', { command: 'DATA' }],
  ])('%j → %s in context %j', (line, expected, context) => {
    expect(classifier.classifyLine(line, context).label).toBe(expected);
  });

  describeFamilies(FAMILIES, classifier);
});
