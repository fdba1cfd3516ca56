// The h155 families of rules/phrases.toml: Chinese (simplified and traditional), Japanese
// and Korean reasons as national providers and localised software phrase them, which the
// i31 CJK blocks did not read (bench/data/blind-replies-cjk-2.tsv, first 97/152), and an
// expiry that quotes the last temporary error it got (RFC 3463 X.4.7). Loaded as the
// bundled config loads the shipped rules. Wordings written here, not those of the blind
// set, with the nearest phrases of neighbouring labels in the same language that must
// NOT get the family's label.
import { describeFamilies, describeNearest } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'malware other than a virus, found in the message': [
    ['邮件附件中发现木马，已拒收', 'VirusRelated'],
    ['メールにトロイの木馬が含まれていたため削除しました', 'VirusRelated'],
    ['첨부파일에서 랜섬웨어가 탐지되어 반송합니다', 'VirusRelated'],
    // Nearest: an attachment refused by its type is no scanner's verdict.
    ['附件格式不被允许，请压缩后再发', 'ProhibitedAttachment'],
  ],
  'attachments refused with the refusal first': [
    ['禁止されている形式の添付ファイルが見つかりました', 'ProhibitedAttachment'],
    ['금지된 첨부파일(.js)이 포함되어 있습니다', 'ProhibitedAttachment'],
    ['附件類型不被允許（.bat）', 'ProhibitedAttachment'],
  ],
  'relaying refused as forwarding': [
    ['553 本服务器拒绝转发到外部域名', 'RelayDenied'],
    ['不允許轉送至其他網域的信件', 'RelayDenied'],
  ],
  'bad DKIM signatures and SPF records, and SMTP AUTH refused': [
    ['DKIM 簽名驗證錯誤，信件被退回', 'AuthenticationFailed'],
    ['DKIM署名が不正なため受け付けません', 'AuthenticationFailed'],
    ['SPF 레코드 오류로 수신을 거부합니다', 'AuthenticationFailed'],
    ['SPF 檢驗未通過', 'AuthenticationFailed'],
    ['SMTP认证失败，请检查客户端设置', 'AuthenticationFailed'],
    ['ログインに失敗しました（SMTP）', 'AuthenticationFailed'],
    ['帳號或密碼錯誤', 'AuthenticationFailed'],
    ['로그인 실패: 비밀번호가 일치하지 않습니다', 'AuthenticationFailed'],
  ],
  'the sender address refused': [
    ['发件人的邮箱地址被拒绝', 'InvalidSender'],
    ['寄件人位址被拒，請更換寄件地址', 'InvalidSender'],
    ['보낸 사람 주소가 올바르지 않아 거부되었습니다', 'InvalidSender'],
    // Nearest: the recipient's own block list naming the sender.
    ['对方已将发件人加入黑名单', 'PolicyRelated'],
  ],
  'suspended and cancelled accounts': [
    ['宛先アドレスは現在停止されています', 'InactiveMailbox'],
    ['ご契約が解約されたアドレスのため届きません', 'InactiveMailbox'],
    ['해지된 메일 주소입니다', 'InactiveMailbox'],
    // Nearest: an address that never existed.
    ['宛先アドレスは存在しません', 'InvalidRecipient'],
  ],
  'storage over its capacity and attachments too large': [
    ['ディスク容量を超えているため保存できません', 'QuotaIssues'],
    ['附件超出了允许的尺寸', 'QuotaIssues'],
    ['附加檔案過大', 'QuotaIssues'],
    ['メッセージのサイズの上限を超過しています', 'QuotaIssues'],
    ['메일 용량이 너무 커서 보낼 수 없습니다', 'QuotaIssues'],
    // Nearest: a sending count at its cap is a rate, not a capacity.
    ['今日寄件數量已達上限', 'TransientFailure'],
  ],
  'names that could not be resolved (hostunknown: BadDomain)': [
    ['ドメイン名を解決できません', 'BadDomain'],
    ['名前解決に失敗しました (mx.example.jp)', 'BadDomain'],
  ],
  'unregistered, unopened and unfound recipients': [
    ['该手机号尚未开通邮箱', 'InvalidRecipient'],
    ['收件者位址未註冊', 'InvalidRecipient'],
    ['查無此使用者', 'InvalidRecipient'],
    ['找不到您輸入的電子郵件地址', 'InvalidRecipient'],
    ['宛先はアドレス帳に見つかりません', 'InvalidRecipient'],
    ['받는 사람이 없습니다', 'InvalidRecipient'],
    ['아이디가 없는 주소입니다', 'InvalidRecipient'],
    // Nearest: the sender not found, and the domain not found.
    ['寄件者位址找不到', 'InvalidSender'],
    ['找不到該網域', 'BadDomain'],
  ],
  'spam judged by likelihood or features': [
    ['您的信件疑似垃圾信，已退回', 'SpamContent'],
    ['邮件带有广告邮件特征', 'SpamContent'],
    ['迷惑メールの疑いがあるため隔離しました', 'SpamContent'],
    ['스팸 필터에서 차단된 메일입니다', 'SpamContent'],
    ['스팸으로 의심되어 반송되었습니다', 'SpamContent'],
    // Nearest: the recipient's spam SETTINGS refusing the sender.
    ['受信者の迷惑メール設定により受信できません', 'PolicyRelated'],
    ['받는 사람의 스팸 설정으로 수신이 거부되었습니다', 'PolicyRelated'],
  ],
  'the connecting IP refused': [
    ['送信元IPアドレスがブロックされています', 'SpamBlock'],
    ['发信 IP 被屏蔽', 'SpamBlock'],
    ['보내는 서버의 IP가 차단되었습니다', 'SpamBlock'],
    ['该 IP 已被封鎖', 'SpamBlock'],
    // Nearest: an IP without reverse DNS.
    ['逆引きできないIPアドレスからは受信しません', 'AuthenticationFailed'],
    ['发信IP未设置反向解析', 'AuthenticationFailed'],
  ],
  'the queue gave up after its time': [
    ['信件在佇列中等待超過三天，已退回', 'MessageExpired'],
    ['系统已放弃发送此邮件', 'MessageExpired'],
    ['再送期限を過ぎました', 'MessageExpired'],
    ['72時間以内に配送できませんでした', 'MessageExpired'],
    ['여러 번 재시도했으나 전달하지 못했습니다', 'MessageExpired'],
    ['3일 동안 배달되지 않아 반송합니다', 'MessageExpired'],
    ['전달을 포기했습니다', 'MessageExpired'],
  ],
  'sending caps, connections and much mail in a short time': [
    ['本日发信量已达上限', 'TransientFailure'],
    ['寄件數量超過限制，請稍後再寄', 'TransientFailure'],
    ['同時連線數過多', 'TransientFailure'],
    ['短時間のうちに多数のメールを受信したため制限中です', 'TransientFailure'],
    ['短时间内收到过多邮件，请稍后', 'TransientFailure'],
    ['짧은 시간 동안 대량으로 발송되어 제한됩니다', 'TransientFailure'],
    ['システム障害のため一時的に受け付けできません', 'TransientFailure'],
    ['伺服器內部錯誤', 'TransientFailure'],
    // Nearest: the mailbox's capacity at its ceiling.
    ['信箱容量已達上限', 'QuotaIssues'],
  ],
  'connections that timed out or dropped': [
    ['連線逾時，請稍後再試', 'NoAnswerFromHost'],
    ['応答がタイムアウトしました', 'NoAnswerFromHost'],
    ['연결 시간 초과', 'NoAnswerFromHost'],
    ['与对方服务器的连接已断开', 'BadConnection'],
    ['接続が切断されました', 'BadConnection'],
    ['서버와의 연결이 끊어졌습니다', 'BadConnection'],
    // Nearest: the queue's give-up said with a timeout word.
    ['投遞逾時', 'MessageExpired'],
  ],
  "the recipient's own settings and the receiving policy": [
    ['对方仅接受通讯录好友的邮件', 'PolicyRelated'],
    ['收件人已屏蔽你的来信', 'PolicyRelated'],
    ['PCからのメールを受信しない設定です', 'PolicyRelated'],
    ['该邮件违反了公司的安全策略', 'PolicyRelated'],
    ['送信ポリシー違反のため拒否しました', 'PolicyRelated'],
    ['보안 정책 위반으로 차단되었습니다', 'PolicyRelated'],
  ],
  'an expiry that quotes its last temporary error': [
    [
      '554 5.4.7 Delivery time exceeded, last temporary error: 421 4.7.0 try again later',
      'MessageExpired',
    ],
    [
      '550 Giving up on this message; final transient failure was: 450 4.2.1 slow down',
      'MessageExpired',
    ],
    [
      '554 Message not delivered, most recent temporary error: 451 local error in processing',
      'MessageExpired',
    ],
    ['550 5.4.7 The maximum delivery time was exceeded', 'MessageExpired'],
    ['554 queue time has been exceeded for this message', 'MessageExpired'],
    // Nearest: a temporary error now, and a delay that names its last error.
    ['451 4.3.0 Temporary error, try again later', 'TransientFailure'],
    ['421 4.4.2 last temporary error: connection dropped, will retry', 'TransientFailure'],
  ],
};

describeFamilies(FAMILIES);

// Nearest phrases of the neighbouring labels that must not get these labels.
describeNearest([
  // A mailbox with no space left is not a missing user (Korean "없습니다" after space).
  ['메일함 공간이 없습니다', 'InvalidRecipient'],
  // Missing permission is not a missing account.
  ['발송 권한이 없습니다', 'InvalidRecipient'],
  // A password expiry is no delivery expiry.
  ['パスワードの有効期限が切れています', 'MessageExpired'],
  // A plain temporary error, however permanent-looking, is no expiry without "last".
  ['451 4.3.0 temporary error in the queue manager', 'MessageExpired'],
  // A virus scan that ran and found nothing is no verdict.
  ['ウイルスチェック済みのメールです', 'VirusRelated'],
  // A bare server error names no cause: a policy refusal after it keeps its own label.
  ['サーバーエラー：ポリシー違反のため拒否しました', 'TransientFailure'],
  // Sending too much is not spam content.
  ['发信频率过快，请降低频率', 'SpamContent'],
]);
