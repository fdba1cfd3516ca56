// Reading config files (TOML, or JSON/JSON5 by extension) and turning schema
// failures into messages that name the file and the key to fix.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import JSON5 from 'json5';
import { parse as parseToml } from 'smol-toml';
import type { z } from 'zod';
import { closestLabel } from '../classify/labels';
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

/** Zod's own description of a schema: enough of it to walk down to an object's keys. */
interface SchemaDef {
  type: string;
  innerType?: { _zod: { def: SchemaDef } };
  in?: { _zod: { def: SchemaDef } };
  shape?: Record<string, { _zod: { def: SchemaDef } }>;
  element?: { _zod: { def: SchemaDef } };
  valueType?: { _zod: { def: SchemaDef } };
}

/**
 * The keys the schema allows in the table at `path` (`["smtp"]`, `["hooks", 0]`), or
 * none when the path leads somewhere else than a plain table (a union, a transform).
 */
function keysAt(schema: z.ZodType | undefined, path: ReadonlyArray<PropertyKey>): string[] {
  let def: SchemaDef | undefined = (schema as { _zod?: { def: SchemaDef } } | undefined)?._zod?.def;
  const next = (key: PropertyKey | null): SchemaDef | undefined => {
    if (def === undefined) return undefined;
    const inner = def.innerType ?? def.in;
    if (inner !== undefined) return inner._zod.def;
    if (key === null) return undefined;
    if (def.type === 'object' && typeof key === 'string') return def.shape?.[key]?._zod.def;
    if (def.type === 'array' && typeof key === 'number') return def.element?._zod.def;
    if (def.type === 'record') return def.valueType?._zod.def;
    return undefined;
  };
  for (const key of path) {
    // Wrappers (default, optional, pipe ...) first, then one step down.
    while (def !== undefined && (def.innerType ?? def.in) !== undefined) def = next(null);
    def = next(key);
  }
  while (def !== undefined && (def.innerType ?? def.in) !== undefined) def = next(null);
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/** The value at `path` inside `input`, or undefined when there is none. */
function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** A value as the file could have written it, cut short: `"LogAndRelay"`, `3`, `{"a":1}`. */
function showValue(value: unknown): string {
  const text = typeof value === 'bigint' ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * One line per problem, each naming the file and the key; an unknown key also names
 * the allowed key it is closest to (`max_client` → `max_clients`), when `schema` is given.
 * `prefix` is where the validated value sits in its file (a domain's table). With
 * `input` (the value validated) a wrong value is echoed, `key = "LogAndRelay": expected
 * ...`, so the person sees what the file says: pass it only for files that hold no
 * secrets (the domains files; oobd.toml has http.token and hook secrets).
 */
export function describeIssues(
  file: string,
  error: z.ZodError,
  schema?: z.ZodType,
  prefix: ReadonlyArray<PropertyKey> = [],
  input?: unknown,
): string {
  const lines = error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const allowed = keysAt(schema, issue.path);
      return issue.keys
        .map((key) => {
          const near = closestLabel(key, allowed);
          const at = [...prefix, ...issue.path];
          const hint = near === null ? '' : ` (did you mean ${formatPath([...at, near])}?)`;
          return `${file}: unknown key ${formatPath([...at, key])}${hint}`;
        })
        .join('\n');
    }
    const where = formatPath([...prefix, ...issue.path]) || '(top level)';
    const given = input === undefined ? undefined : valueAt(input, issue.path);
    if (given === undefined) return `${file}: ${where}: ${issue.message}`;
    return `${file}: ${where} = ${showValue(given)}: ${issue.message}`;
  });
  return lines.join('\n');
}

export function validate<T extends z.ZodType>(file: string, schema: T, data: unknown): z.output<T> {
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new OobdError(ErrorCode.ConfigInvalid, describeIssues(file, result.error, schema));
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
