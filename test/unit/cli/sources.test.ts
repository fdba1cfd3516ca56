// Which files `oobd parse` and `oobd replay` take for mail: a header field or an mbox
// "From " line at the top (sources.ts), and what `oobd parse` says of the others.
import { looksLikeMessage, notAMessage } from '../../../src/cli/sources';

const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('a file that starts like a mail message', () => {
  it.each([
    ['a Return-Path line', 'Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.example\r\n'],
    ['a Received line folded onto the next', 'Received: from mx.example\r\n\tby here; now\r\n'],
    ['an X- field with digits and underscores', 'X-Spam_Score2: 0.1\nSubject: hi\n'],
    ['a field name with a space before its colon', 'Subject : old style\n'],
    ['an mbox From line', 'From MAILER-DAEMON Thu Dec  3 10:00:00 2026\nSubject: x\n'],
    ['a UTF-8 byte order mark before the first field', '\xef\xbb\xbfFrom: a@b.example\n'],
  ])('is taken: %s', (_, text) => {
    expect(looksLikeMessage(bytes(text))).toBe(true);
    expect(notAMessage(bytes(text))).toBeNull();
  });

  it.each([
    ['a JSON object, whose first key fits RFC 5322 but no field in use', '{"type":"OOB"}\n'],
    ['a PDF', '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n'],
    ['a shell script', '#!/bin/sh\necho hi: there\n'],
    ['a licence', 'Permission is hereby granted, free of charge: to any person\n'],
    ['an ELF binary', '\x7fELF\x02\x01\x01\x00'],
    ['a line starting with a colon', ': not a field\n'],
    ['a field name starting with a digit', '2024-05-01: a log line\n'],
  ])('is not taken: %s', (_, text) => {
    expect(looksLikeMessage(bytes(text))).toBe(false);
    expect(notAMessage(bytes(text))).toMatch(/^not a mail message: /);
  });

  it('says an empty file and a file of blank lines for what they are', () => {
    expect(notAMessage(bytes(''))).toBe('an empty file');
    expect(notAMessage(bytes('\r\n\n  \n'))).toBe('a file of blank lines');
  });
});
