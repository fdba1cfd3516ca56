// RFC 8098 message disposition notifications (and RFC 6533 §6.4
// message/global-disposition-notification): one MDN finding per report.
import { parseTypedAddress } from './address';
import { utf8 } from './codec';
import { parseDate } from './date';
import { REPORT_LIMITS, scanFields } from './header';
import { decodedBinary, type MimeMessage, type MimePart } from './mime';
import { cleanMessageId, messageIdOf } from './dsn';
import type { MdnFinding } from './types';
import type { MdnReport } from '../values';

const MDN_TYPES = new Set([
  'message/disposition-notification',
  'message/global-disposition-notification',
]);

function findMdnPart(msg: MimeMessage): MimePart | null {
  for (const part of msg.parts) {
    if (part.scope === msg.root && MDN_TYPES.has(part.type)) return part;
  }
  return null;
}

/** RFC 8098 §3.2.6.2 spellings of the sending modes (the tokens are case-insensitive). */
const SENDING_MODES: Record<string, string> = {
  'mdn-sent-manually': 'MDN-sent-manually',
  'mdn-sent-automatically': 'MDN-sent-automatically',
};

/**
 * RFC 8098 §3.2.6: `action-mode "/" sending-mode ";" disposition-type ["/" modifier *("," modifier)]`.
 * Tokens are case-insensitive: they are lower-cased, the sending modes spelled as the RFC does; missing pieces are null.
 */
export function parseDisposition(value: string | null): MdnReport['disposition'] {
  const out: MdnReport['disposition'] = {
    action_mode: null,
    sending_mode: null,
    type: null,
    modifiers: [],
  };
  if (value === null) return out;
  const v = value.toLowerCase();
  const semi = v.indexOf(';');
  const modes = semi < 0 ? '' : v.slice(0, semi);
  const rest = semi < 0 ? v : v.slice(semi + 1);
  if (modes !== '') {
    const slash = modes.indexOf('/');
    out.action_mode = (slash < 0 ? modes : modes.slice(0, slash)).trim() || null;
    out.sending_mode = slash < 0 ? null : modes.slice(slash + 1).trim() || null;
  }
  const slash = rest.indexOf('/');
  out.type = (slash < 0 ? rest : rest.slice(0, slash)).trim() || null;
  if (slash >= 0) {
    for (const m of rest.slice(slash + 1).split(',')) {
      const t = m.trim();
      if (t !== '' && out.modifiers.length < 32) out.modifiers.push(t);
    }
  }
  if (out.sending_mode !== null)
    out.sending_mode = SENDING_MODES[out.sending_mode] ?? out.sending_mode;
  return out;
}

/** An RFC 8098 report; null when the message is none. */
export function parseMdn(msg: MimeMessage): MdnFinding | null {
  const part = findMdnPart(msg);
  if (part === null) return null;
  const { fields } = scanFields(
    decodedBinary(part, msg.problems),
    0,
    false,
    msg.problems,
    REPORT_LIMITS,
  );
  const first = (name: string): string | null => {
    for (const f of fields) if (f.name === name) return utf8(f.value);
    return null;
  };
  const finalRecipient = first('final-recipient');
  const originalRecipient = first('original-recipient');
  const finalAddr =
    finalRecipient === null ? null : parseTypedAddress(finalRecipient).address || null;
  const originalAddr =
    originalRecipient === null ? null : parseTypedAddress(originalRecipient).address || null;
  const disposition = first('disposition');
  if (disposition === null)
    msg.problems.push({
      code: 'mdn.disposition-missing',
      detail: 'message/disposition-notification without Disposition',
    });
  const report: MdnReport = {
    disposition: parseDisposition(disposition),
    final_recipient: finalAddr,
    original_recipient: originalAddr,
    original_message_id:
      cleanMessageId(first('original-message-id')) ?? messageIdOf(msg.returned()),
    reporting_ua: first('reporting-ua'),
    supplemental_trace: null,
  };
  return {
    kind: 'mdn',
    recipient: originalAddr ?? finalAddr ?? '',
    report,
    time: parseDate(msg.headers.get('date')),
  };
}
