import type { Command } from 'commander';
import { notBuilt } from './common';

export function register(program: Command): void {
  notBuilt(program, 'worker', '', 'run a BullMQ worker (queue mode)');
}
