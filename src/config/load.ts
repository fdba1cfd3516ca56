// Reading config files (TOML, or JSON/JSON5 by extension) and turning schema
// failures into messages that name the file and the key to fix.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import JSON5 from 'json5';
import { parse as parseToml } from 'smol-toml';
import type { z } from 'zod';
import { ErrorCode, OobdError, errorMessage } from '../errors';

/** Parses config text by the file's extension: `.json`/`.json5` → JSON5, anything else → TOML. */
export function parseConfigText(file: string, text: string): unknown {
  const ext = extname(file).toLowerCase();
  try {
    return ext === '.json' || ext === '.json5' ? JSON5.parse(text) : parseToml(text);
  } catch (err) {
    throw new OobdError(
      ErrorCode.FileUnreadable,
      `${file}: not valid ${ext === '.json' || ext === '.json5' ? 'JSON5' : 'TOML'}: ${errorMessage(err)}`,
      { cause: err },
    );
  }
}

export function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new OobdError(ErrorCode.FileUnreadable, `${file}: cannot read: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  return parseConfigText(file, text);
}

/** `smtp.listen[1]`, `["bounce.example.com"].log_oob` — how a person finds the key. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else {
      const key = String(part);
      const bare = /^[A-Za-z0-9_-]+$/.test(key);
      out += bare ? (out ? `.${key}` : key) : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/** One line per problem, each naming the file and the key. */
export function describeIssues(file: string, error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys
        .map((key) => `${file}: unknown key ${formatPath([...issue.path, key])}`)
        .join('\n');
    }
    const where = formatPath(issue.path) || '(top level)';
    return `${file}: ${where}: ${issue.message}`;
  });
  return lines.join('\n');
}

export function validate<T extends z.ZodType>(file: string, schema: T, data: unknown): z.output<T> {
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new OobdError(ErrorCode.ConfigInvalid, describeIssues(file, result.error));
  }
  return result.data;
}

/** Freezes a config object and everything in it, so nothing can change it after validation. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
