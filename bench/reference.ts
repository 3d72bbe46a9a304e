import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Reference {
  kind: 'rust' | 'node';
  /** The command that runs it on a port (appended). */
  command: string[];
  /** Why the Rust responder is not used, when it is not. */
  note: string | null;
}

/**
 * The Rust responder in bench/reference, built with cargo offline (it uses no crates),
 * or the raw `dgram` responder of the agent when cargo is missing or the build fails.
 */
export function prepareReference(repository: string, agent: string): Reference {
  const manifest = path.join(repository, 'bench', 'reference', 'Cargo.toml');
  const binary = path.join(repository, 'bench', 'reference', 'target', 'release', 'reference-responder');
  const nodeResponder = (note: string): Reference => ({
    kind: 'node',
    command: [process.execPath, agent, 'respond'],
    note,
  });
  try {
    execFileSync('cargo', ['--version'], { stdio: 'ignore' });
  } catch {
    return nodeResponder('cargo is not installed (apt install cargo): the reference is a raw dgram responder in Node');
  }
  try {
    execFileSync('cargo', ['build', '--release', '--offline', '--quiet', '--manifest-path', manifest], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? String(error);
    return nodeResponder(
      `cargo could not build bench/reference (${stderr}): the reference is a raw dgram responder in Node`,
    );
  }
  if (!fs.existsSync(binary))
    return nodeResponder(`cargo built no ${binary}: the reference is a raw dgram responder in Node`);
  return { kind: 'rust', command: [binary], note: null };
}
