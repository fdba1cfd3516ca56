// TEMPORARY until src/config/rules.ts lands: reads rules files as RulesSource[].
import { readFileSync } from 'node:fs';
import type { RulesSource } from '../classify/index';
import { ErrorCode, OobdError, errorMessage } from '../errors';

export function loadRulesSources(files: ReadonlyArray<string>): RulesSource[] {
  return files.map((file) => {
    try {
      return { file, text: readFileSync(file, 'utf8') };
    } catch (err) {
      throw new OobdError(ErrorCode.FileUnreadable, `${file}: cannot read: ${errorMessage(err)}`);
    }
  });
}
