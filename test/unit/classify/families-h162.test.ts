// The "h162" families of rules/phrases.toml, found with bench/data/blind-replies-cjk-3.tsv
// (Chinese, Japanese and Korean reasons written without reading the CJK families): a
// refusal said before the attachment in Chinese and the Japanese humble refusal of an
// attachment, a server that relays for no outside domain, SMTP authentication required, the
// sender's address refused in Korean, an account suspended in the Taiwan wording, a DNS
// lookup that could not be made, no MX for the domain, the destination address wrong in
// Japanese, the message's format said wrong, the delivery deadline exceeded in Chinese, a
// sending frequency with the Taiwan verb or Korean 빈도, and a message against the
// organisation's policy. Loaded as the bundled config loads the shipped rules. Wordings
// written here, with the nearest phrases of the neighbour labels in the same language that
// must NOT get the family's label.
import { describeFamilies, describeNearest } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'an attachment type refused before it is named, or refused politely in Japanese': [
    ['系统不接受的附件类型：.scr', 'ProhibitedAttachment'],
    ['本站不支援此種附件', 'ProhibitedAttachment'],
    ['.bat 形式の添付ファイルは受信しておりません', 'ProhibitedAttachment'],
    // Nearest: a size named between the refusal and the attachment is a size limit.
    ['不允许超过10MB的附件', 'QuotaIssues'],
  ],
  'a size limit stated with its number in Chinese': [
    ['附件不能超过25MB，请压缩后再发送', 'QuotaIssues'],
    ['單封郵件不得大於 20M', 'QuotaIssues'],
  ],
  'a server that relays for no outside domain': [
    ['此主机不替非本地域名转发邮件', 'RelayDenied'],
    ['我們無法為外部網域中繼郵件', 'RelayDenied'],
  ],
  'SMTP authentication required': [
    ['530 発信にはSMTP認証が必須です', 'AuthenticationFailed'],
    ['530 请先登录后再发送邮件', 'AuthenticationFailed'],
    ['메일을 보내려면 SMTP 인증이 필요합니다', 'AuthenticationFailed'],
  ],
  'the sender address refused in Korean': [
    ['553 보내는 사람 메일 주소가 거절되었습니다', 'InvalidSender'],
  ],
  'an account suspended in the Taiwan wording, or banned': [
    ['該使用者帳戶因違規已遭停權', 'InactiveMailbox'],
    ['此邮箱账号已被封禁', 'InactiveMailbox'],
  ],
  'a DNS lookup that could not be made': [
    ['相手ドメインのDNS問い合わせに失敗しました', 'DNSFailure'],
    ['수신 도메인의 DNS 조회에 실패했습니다', 'DNSFailure'],
  ],
  'no mail exchanger for the domain': [
    ['该域名没有有效的MX记录', 'BadDomain'],
    ['宛先ドメインのMXレコードが存在しません', 'BadDomain'],
    ['수신 도메인의 MX 레코드를 찾을 수 없습니다', 'BadDomain'],
  ],
  'the destination address wrong in Japanese': [
    ['宛先アドレスに誤りがあります。ご確認ください', 'InvalidRecipient'],
    ['相手のメールアドレスが間違っている可能性があります', 'InvalidRecipient'],
  ],
  "the message's format said wrong": [
    ['信件編碼錯誤，伺服器拒收', 'ContentRelated'],
    ['メッセージの形式が正しくありません', 'ContentRelated'],
    ['메시지 형식이 잘못되었습니다', 'ContentRelated'],
  ],
  'the delivery deadline exceeded in Chinese': [
    ['邮件已超出投递时限，系统停止重试', 'MessageExpired'],
    ['遞送期限已過，無法送達收件者', 'MessageExpired'],
  ],
  'a sending frequency with the Taiwan verb or Korean 빈도': [
    ['您的寄信頻率過高，請稍候再寄', 'TransientFailure'],
    ['메일 전송 속도 제한을 초과하였습니다', 'TransientFailure'],
  ],
  "a message against the organisation's policy": [
    ['此信件不符合收件方的安全規範', 'PolicyRelated'],
    ['当社の規定により外部からの添付なしメールも受信できません', 'PolicyRelated'],
  ],
};

/** [reply, a label it must NOT get]: the nearest phrases of the neighbour labels. */
const NEAREST: Array<[string, string]> = [
  // A user's own forwarding is no relay refusal.
  ['收件人已设置自动转发到其他邮箱', 'RelayDenied'],
  // An address's format is the address's syntax, not the message's format.
  ['邮件地址格式不正确', 'ContentRelated'],
  // The recipient blocking the sender is no refusal of the sender's address.
  ['수신자가 발신자를 차단했습니다', 'InvalidSender'],
  // The sender's address wrong is not the recipient's.
  ['送信者のメールアドレスが間違っています', 'InvalidRecipient'],
  // A mailbox at its cap is full, not a sending rate.
  ['收件人信箱容量已達上限', 'TransientFailure'],
  // The queue retrying is no expiry yet.
  ['邮件暂时无法投递，系统将继续重试', 'MessageExpired'],
  // A domain that does not exist is no lookup failure for now.
  ['宛先のドメインが存在しません', 'DNSFailure'],
  // A message too large is no attachment type.
  ['附件大小超过了允许的上限', 'ProhibitedAttachment'],
];

describeFamilies(FAMILIES);
describeNearest(NEAREST);
