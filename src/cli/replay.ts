import type { Command } from 'commander';
import { notBuilt } from './common';

export function register(program: Command): void {
  notBuilt(program, 'replay', '<path...>', 'send .eml / mbox messages to an SMTP server');
}
