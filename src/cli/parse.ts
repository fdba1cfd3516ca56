import type { Command } from 'commander';
import { notBuilt } from './common';

export function register(program: Command): void {
  notBuilt(program, 'parse', '<path...>', 'print the records for .eml files, folders and mbox files');
}
