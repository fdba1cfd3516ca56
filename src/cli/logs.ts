import type { Command } from 'commander';
import { notBuilt } from './common';

export function register(program: Command): void {
  notBuilt(program, 'logs', '[dir]', 'read, filter and summarise log segments');
}
