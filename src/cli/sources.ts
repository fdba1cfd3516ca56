// Message sources for `oobd parse` and `oobd replay`: .eml files (any name when
// given explicitly), folders (recursive; a Maildir's new/ and cur/ whatever the file
// names) and mbox files. `readMessages` reads each
// file with one blocking call (one read through libuv's thread pool per file costs
// more than the read). `oobd parse` uses `readMessagesAhead` (read-ahead.ts), which
// makes the same calls on a thread of its own.
import { readFileSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { errorMessage } from '../errors';

export interface SourceMessage {
  /** The file the message came from. */
  file: string;
  /** 1-based position inside an mbox file; null for a single-message file. */
  index: number | null;
  raw: Buffer;
}

export interface SourceError {
  path: string;
  message: string;
}

/** Extensions taken from folders; explicitly named files are read whatever their name. */
const MESSAGE_EXTENSIONS = new Set(['.eml', '.msg', '.mbox', '.mbx', '']);

/**
 * A Maildir's message folders (https://cr.yp.to/proto/maildir.html): every file in
 * `new/` and `cur/` is one message, whatever its name. Those names carry the host name
 * and flags (`1733200000.M1P2.mx.example.com,S=1730:2,S`), so their "extension" is
 * anything (`.com,S=1730:2,S`), and walking a Maildir by extension took nothing.
 * `tmp/` holds deliveries still being written and is left out, as Maildir readers do.
 */
const MAILDIR_MESSAGE_FOLDERS = new Set(['new', 'cur']);

/** Whether a file found in folder `dir` is taken as mail. */
function takenFromFolder(dir: string, name: string): boolean {
  return (
    MESSAGE_EXTENSIONS.has(extname(name).toLowerCase()) ||
    MAILDIR_MESSAGE_FOLDERS.has(basename(dir))
  );
}

function looksLikeMbox(raw: Buffer): boolean {
  return raw.subarray(0, 5).toString('latin1') === 'From ';
}

/**
 * A header field name and its colon. RFC 5322 §2.2 allows any printable ASCII but ":"
 * in a name, which a JSON file's `{"type":` fits; the names in use (the IANA message
 * header registry, X- fields) start with a letter and hold letters, digits and "-"
 * (some "_" or "."). Every message of the corpus and fixtures starts so (or with an
 * mbox "From " line); only their JSON, licence and empty files do not.
 */
const FIELD_START = /^[A-Za-z][A-Za-z0-9_.-]*[ \t]*:/;

/**
 * Whether a file's bytes start like a message: a header field (RFC 5322 §2.2) or an
 * mbox "From " line. A licence, a README, a JSON file or a binary does not, so `oobd
 * replay` does not send it to a server as if it were mail, and `oobd parse` says so.
 */
export function looksLikeMessage(raw: Buffer): boolean {
  let start = 0;
  // A UTF-8 byte order mark, as some editors save files.
  if (raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) start = 3;
  const head = raw.toString('latin1', start, Math.min(raw.length, start + 1000));
  return looksLikeMbox(raw.subarray(start)) || FIELD_START.test(head);
}

/**
 * Why a file's bytes hold no mail message, or null when they start like one: what
 * `oobd parse` says of a file it printed as "Unrecognized" (a headerless bounce
 * text that yields records is no concern of this).
 */
export function notAMessage(raw: Buffer): string | null {
  if (looksLikeMessage(raw)) return null;
  if (raw.length === 0) return 'an empty file';
  if (raw.length <= 4096 && raw.toString('latin1').trim() === '') return 'a file of blank lines';
  return 'not a mail message: it starts with neither a header field ("Name: value") nor an mbox "From " line';
}

/**
 * Splits an mbox (mboxo/mboxrd) into messages at lines starting with "From ", and
 * undoes the ">From " quoting of mboxrd.
 */
export function splitMbox(raw: Buffer): Buffer[] {
  const text = raw.toString('latin1');
  const messages: Buffer[] = [];
  let start = 0;
  const push = (end: number) => {
    const chunk = text.slice(start, end);
    const firstNl = chunk.indexOf('\n');
    if (firstNl < 0) return;
    const body = chunk
      .slice(firstNl + 1)
      .replace(/^>(>*From )/gm, '$1')
      .replace(/\r?\n$/, '\n');
    if (body.trim() !== '') messages.push(Buffer.from(body, 'latin1'));
  };
  for (let at = text.indexOf('\nFrom ', 0); at >= 0; at = text.indexOf('\nFrom ', at + 1)) {
    push(at + 1);
    start = at + 1;
  }
  push(text.length);
  return messages;
}

/** What a person reads of a file system error: "permission denied (EACCES)", not the syscall. */
const FILE_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a path through something that is not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'a folder, not a file',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many open files',
};

/**
 * A file system error as a person reads it: "no such file or folder (ENOENT)" for the
 * codes of FILE_ERRORS, else the error's own message (Node's, syscall and path included).
 */
function fileError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const text = code === undefined ? undefined : FILE_ERRORS[code];
  return text === undefined ? errorMessage(err) : `${text} (${code})`;
}

function* walk(dir: string, errors: SourceError[]): Generator<string> {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    errors.push({ path: dir, message: fileError(err) });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path, errors);
    else if (entry.isFile() && takenFromFolder(dir, entry.name)) yield path;
  }
}

/**
 * The messages of one file's bytes: the file itself, or each message of an mbox. A
 * `.eml` file is one message (RFC 5322) whatever its first line: some tools save one
 * message with its mbox "From " line (RFC 4155 §2) on top, and a bounce that quotes the
 * returned message's own "From " line unescaped (mboxo does not quote) would otherwise be
 * cut in two there, losing the copy's Message-ID to a second, unrecognised "message".
 */
export function* messagesOf(file: string, raw: Buffer): Generator<SourceMessage> {
  if (looksLikeMbox(raw) && extname(file).toLowerCase() === '.eml') {
    const firstNl = raw.indexOf(0x0a);
    yield { file, index: null, raw: firstNl < 0 ? raw : raw.subarray(firstNl + 1) };
    return;
  }
  if (looksLikeMbox(raw)) {
    let index = 0;
    for (const message of splitMbox(raw)) yield { file, index: ++index, raw: message };
    return;
  }
  yield { file, index: null, raw };
}

/** Every file under the given paths, in order; paths that cannot be listed go to `errors`. */
export function* listFiles(paths: ReadonlyArray<string>, errors: SourceError[]): Generator<string> {
  for (const path of paths) {
    let stat;
    try {
      stat = statSync(path);
    } catch (err) {
      errors.push({ path, message: fileError(err) });
      continue;
    }
    if (stat.isDirectory()) yield* walk(path, errors);
    else yield path;
  }
}

/** The path that stands for standard input (`oobd parse -`), as `cat` and most tools take it. */
export const STDIN_PATH = '-';

/** Standard input's bytes, up to its end (one message, or an mbox, as a file holds). */
export async function readStandardInput(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A file's bytes, or null with the reason in `errors`. */
export function readSource(file: string, errors: SourceError[]): Buffer | null {
  try {
    return readFileSync(file);
  } catch (err) {
    errors.push({ path: file, message: fileError(err) });
    return null;
  }
}

/**
 * Every message under the given paths, in order. Unreadable paths are collected in
 * `errors` (the caller reports them and exits non-zero) instead of stopping the run.
 */
export function* readMessages(
  paths: ReadonlyArray<string>,
  errors: SourceError[],
): Generator<SourceMessage> {
  for (const file of listFiles(paths, errors)) {
    const raw = readSource(file, errors);
    if (raw !== null) yield* messagesOf(file, raw);
  }
}
