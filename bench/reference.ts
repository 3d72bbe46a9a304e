import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Reference {
  /** The command that runs it on a port (appended). */
  command: string[];
}

/**
 * The Rust responder in bench/reference, built with cargo offline (it uses no crates);
 * null, with the reason, when cargo is missing or the build fails. The bare Node
 * responder, which the targets compare against, is measured either way.
 */
export function prepareRustReference(repository: string): { rust: Reference | null; note: string | null } {
  const manifest = path.join(repository, 'bench', 'reference', 'Cargo.toml');
  const binary = path.join(repository, 'bench', 'reference', 'target', 'release', 'reference-responder');
  try {
    execFileSync('cargo', ['--version'], { stdio: 'ignore' });
  } catch {
    return { rust: null, note: 'cargo is not installed (apt install cargo): no Rust reference in this run' };
  }
  try {
    execFileSync('cargo', ['build', '--release', '--offline', '--quiet', '--manifest-path', manifest], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? String(error);
    return { rust: null, note: `cargo could not build bench/reference (${stderr}): no Rust reference in this run` };
  }
  if (!fs.existsSync(binary)) return { rust: null, note: `cargo built no ${binary}: no Rust reference in this run` };
  return { rust: { command: [binary] }, note: null };
}
