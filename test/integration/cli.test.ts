// The command line as an operator meets it.
import { runCli } from '../helpers/process';

describe('oobd command line', () => {
  it('lists every subcommand of the design in --help', () => {
    const result = runCli(['--help']);
    expect(result.code).toBe(0);
    for (const name of ['serve', 'worker', 'parse', 'classify', 'rules', 'replay', 'logs']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    }
  });

  it('gives help for a subcommand, with --config', () => {
    const result = runCli(['serve', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--config <file>');
    expect(result.stdout).toContain('SIGHUP');
  });

  it('exits non-zero with a usage message for an unknown subcommand', () => {
    const result = runCli(['frobnicate']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });

  it('has no subcommand left that is not built', () => {
    expect(runCli(['--help']).stdout).not.toContain('not built');
  });
});
