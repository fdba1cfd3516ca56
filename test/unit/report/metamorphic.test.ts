// Rewritings of a bounce that change nothing it says, as MTAs and gateways rewrite
// mail in transit, must not change its records: another MIME boundary (RFC 2046
// §5.1.1), DSN field names in another case (RFC 3464 §2.1: header-style fields,
// RFC 5322 §1.2.2: names are case-insensitive), trailing white space added to lines
// (RFC 5322 §2.2.3), a long field folded at another place, and a single-part body sent
// quoted-printable or base64 (RFC 2045 §6), host names replaced by example.* ones (as
// reports rebuilt for bug reports do). Each fixture is parsed as written and
// rewritten; the records' type, recipient, reply code, enhanced code and label must
// agree. (Line ends: fixtures.test.ts.)
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, fixtureFiles, fixtureRecords, readFixture } from '../../helpers/fixture-records';

/** The RFC folders, and every family of the non-RFC bounces (fixtures/heuristic/<family>). */
const FOLDERS = [
  'rfc3464',
  'rfc6533',
  'rfc5965',
  'rfc8098',
  'rfc3834',
  'fallback',
  ...fs
    .readdirSync(path.join(FIXTURES, 'heuristic'))
    .filter((name) => fs.statSync(path.join(FIXTURES, 'heuristic', name)).isDirectory())
    .sort()
    .map((name) => `heuristic/${name}`),
];
const fixtures = fixtureFiles(FOLDERS);

type Rewrite = (text: string) => string | null;

/** What a rewriting must keep: per record, the fields a bounce handler acts on. */
function essentials(raw: Uint8Array): string[] {
  return fixtureRecords(raw)
    .map((r) =>
      JSON.stringify([
        r.type,
        r.recipient,
        r.response.code,
        r.response.enhanced_code,
        r.bounce_classification,
      ]),
    )
    .sort();
}

/** The header section and body of a message or part (`\n` line ends). */
function split(text: string): { head: string; body: string } | null {
  const at = text.indexOf('\n\n');
  return at < 0 ? null : { head: text.slice(0, at + 1), body: text.slice(at + 2) };
}

const REWRITES: Record<string, Rewrite> = {
  'another MIME boundary': (text) => {
    const m = /boundary="?([^";\n]+)"?/i.exec(text);
    if (!m) return null;
    const boundary = m[1]!.trim();
    return text.split(boundary).join(`=_oobd_${boundary.length}_rewritten`);
  },
  'DSN field names in lower case': (text) => {
    const out = text.replace(
      /^(Final-Recipient|Original-Recipient|Action|Status|Diagnostic-Code|Remote-MTA|Reporting-MTA|Arrival-Date|Last-Attempt-Date|Feedback-Type|User-Agent|Version|Disposition)(?=:)/gm,
      (name) => name.toLowerCase(),
    );
    return out === text ? null : out;
  },
  'trailing spaces on every line': (text) => text.replace(/(\S)\n/g, '$1 \n'),
  'Diagnostic-Code folded after 40 characters': (text) => {
    const out = text.replace(/^Diagnostic-Code:[^\n]{60,}$/gim, (line) => {
      const at = line.indexOf(' ', 40);
      return at < 0 ? line : `${line.slice(0, at)}\n   ${line.slice(at)}`;
    });
    return out === text ? null : out;
  },
  // Reports rebuilt for a bug report, and relays that rewrite links, replace host names
  // with example.* ones: a family must know its notice by its template, not by the
  // provider's hosts (Received, Message-ID, help links). Addresses keep their domains,
  // so the records' recipients stay comparable.
  'host names outside addresses replaced by example.net ones': (text) => {
    const names = new Map<string, string>();
    const out = text.replace(
      /(?<![@\w.-])((?:[a-z0-9-]+\.)+(?:com|net|org|jp|de|ru|fr|uk|cn|kr|io|info|biz))(?![\w-])/gi,
      (host: string) => {
        const key = host.toLowerCase();
        if (key.includes('example') || key.endsWith('.invalid')) return host;
        if (!names.has(key)) names.set(key, `h${names.size}.example.net`);
        return names.get(key)!;
      },
    );
    return out === text ? null : out;
  },
  'single-part body in quoted-printable': (text) => encodeSinglePart(text, 'quoted-printable'),
  'single-part body in base64': (text) => encodeSinglePart(text, 'base64'),
};

function encodeSinglePart(text: string, encoding: 'quoted-printable' | 'base64'): string | null {
  const parts = split(text);
  if (!parts || /^content-(?:type:\s*multipart|transfer-encoding)/im.test(parts.head)) return null;
  const bytes = Buffer.from(parts.body, 'latin1');
  const body =
    encoding === 'base64'
      ? (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\n')
      : quotedPrintable(bytes);
  let head = parts.head;
  if (!/^mime-version:/im.test(head)) head += 'MIME-Version: 1.0\n';
  if (!/^content-type:/im.test(head)) head += 'Content-Type: text/plain; charset=us-ascii\n';
  return `${head}Content-Transfer-Encoding: ${encoding}\n\n${body}\n`;
}

/** RFC 2045 §6.7, written here so the test does not share the decoder's code. */
function quotedPrintable(bytes: Buffer): string {
  const lines: string[] = [];
  for (const line of bytes.toString('latin1').split('\n')) {
    let out = '';
    let width = 0;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      const last = i === line.length - 1;
      const plain = (c >= 33 && c <= 126 && c !== 61) || ((c === 32 || c === 9) && !last);
      const piece = plain ? line[i]! : `=${c.toString(16).toUpperCase().padStart(2, '0')}`;
      if (width + piece.length > 75) {
        out += '=\n';
        width = 0;
      }
      out += piece;
      width += piece.length;
    }
    lines.push(out);
  }
  return lines.join('\n');
}

describe('records survive rewritings that change nothing a bounce says', () => {
  it('has fixtures in every folder it rewrites', () => {
    for (const folder of FOLDERS)
      expect(fixtures.some((f) => f.startsWith(`${folder}/`))).toBe(true);
  });

  for (const [name, rewrite] of Object.entries(REWRITES)) {
    it(`gives the same records with ${name}`, () => {
      let rewritten = 0;
      const differ: string[] = [];
      for (const fixture of fixtures) {
        const text = readFixture(fixture).toString('latin1').replace(/\r\n/g, '\n');
        const changed = rewrite(text);
        if (changed === null || changed === text) continue;
        rewritten++;
        const before = essentials(Buffer.from(text, 'latin1'));
        const after = essentials(Buffer.from(changed, 'latin1'));
        if (JSON.stringify(before) !== JSON.stringify(after))
          differ.push(
            `${fixture}\n  as written: ${before.join(' ')}\n  rewritten:  ${after.join(' ')}`,
          );
      }
      // Each rewriting applies to a good share of the fixtures, or it tests nothing.
      expect(rewritten).toBeGreaterThan(10);
      expect(differ).toEqual([]);
    });
  }
});
