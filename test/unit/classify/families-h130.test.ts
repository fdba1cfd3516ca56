// h130's families of rules/phrases.toml: a DNS answer for the destination that held no
// address or MX data ("<d>: no DNS A-data returned", "DNS returned no address records
// for <d>"), BadDomain in a permanent reply or a notice without code, DNSFailure in a
// temporary one (blind-messages-15 36). Loaded as the bundled config loads the shipped
// rules. Wordings written here, with the nearest phrases of other labels or of no label
// that must NOT get BadDomain.
import { describeFamilies } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'the DNS answer for the destination held no address or MX data': [
    ['mx.harbour.example: no DNS A-data returned', 'BadDomain'],
    ['550 harbour.example: no MX data returned', 'BadDomain'],
    ['550 DNS returned no address records for ferry.example', 'BadDomain'],
    ['554 No AAAA or A records found for host relay.ferry.example', 'BadDomain'],
    ['delivery failed: no DNS address answers returned for the domain dock.example', 'BadDomain'],
    // The same answer in a temporary reply: the reporter asks again later.
    ['451 no DNS A-data returned for mx.harbour.example', 'DNSFailure'],
    ['450 4.4.3 DNS returned no MX records for dock.example, will retry', 'DNSFailure'],
    // Nearest: the sender's, the HELO name's or the client's missing record, a
    // reverse lookup, and "no data" that is no DNS answer.
    ['553 5.1.8 Sender address domain has no A or MX records', 'InvalidSender'],
    ['550 sender domain: no DNS A-data returned', 'Uncategorized'],
    ['550 No A record found for your HELO name', 'Uncategorized'],
    ['550 no PTR record found for 192.0.2.44', 'AuthenticationFailed'],
    ['554 no data returned by the content scanner', 'Uncategorized'],
    ['550 5.1.1 no mailbox data returned for this user', 'InvalidRecipient'],
  ],
};

describeFamilies(FAMILIES);
