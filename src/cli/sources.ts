// Message sources for `oobd parse` and `oobd replay`: .eml files (any name when
// given explicitly), folders (recursive) and mbox files. Files are read
// synchronously: these are command-line tools, and one blocking read per file is
// several times faster than a round trip through the thread pool for each.
import { readFileSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { extname, join } from 'node:path';
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

function looksLikeMbox(raw: Buffer): boolean {
  return raw.subarray(0, 5).toString('latin1') === 'From ';
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

function* walk(dir: string, errors: SourceError[]): Generator<string> {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    errors.push({ path: dir, message: errorMessage(err) });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path, errors);
    else if (entry.isFile() && MESSAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) yield path;
  }
}

function* fromFile(file: string, errors: SourceError[]): Generator<SourceMessage> {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (err) {
    errors.push({ path: file, message: errorMessage(err) });
    return;
  }
  if (looksLikeMbox(raw)) {
    let index = 0;
    for (const message of splitMbox(raw)) yield { file, index: ++index, raw: message };
    return;
  }
  yield { file, index: null, raw };
}

/**
 * Every message under the given paths, in order. Unreadable paths are collected in
 * `errors` (the caller reports them and exits non-zero) instead of stopping the run.
 */
export function* readMessages(paths: ReadonlyArray<string>, errors: SourceError[]): Generator<SourceMessage> {
  for (const path of paths) {
    let stat;
    try {
      stat = statSync(path);
    } catch (err) {
      errors.push({ path, message: errorMessage(err) });
      continue;
    }
    if (stat.isDirectory()) {
      for (const file of walk(path, errors)) yield* fromFile(file, errors);
    } else {
      yield* fromFile(path, errors);
    }
  }
}
