/**
 * Checking where a command will write, before it does any work: `fray run` measures for
 * minutes before it writes its reports, and a path it cannot write must fail at once (exit
 * 2, one line, nothing written) rather than after the run, with the results lost. Nothing
 * here writes: each check reads the file system only.
 *
 * @module
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { CliFileError } from '../errors/index.ts';

type Kind = 'file' | 'directory' | 'missing' | 'other';

async function kindOf(path: string): Promise<Kind> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? 'directory' : info.isFile() ? 'file' : 'other';
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') return 'missing';
    // ENOTDIR: a parent is a file — reported by the ancestor walk below.
    if (code === 'ENOTDIR') return 'missing';
    throw error;
  }
}

async function writable(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}

/**
 * Throw `FRAY_CLI_FILE` unless `dir` is a directory that exists and is writable, or can be
 * created (its nearest existing ancestor is a writable directory).
 *
 * @example
 * ```ts
 * await assertWritableDirectory('/tmp/out', process.cwd(), '--out'); // fine
 * await assertWritableDirectory('scenario.ts/x', process.cwd(), '--out'); // throws: scenario.ts is a file
 * ```
 */
export async function assertWritableDirectory(dir: string, cwd: string, flag: string): Promise<void> {
  let current = dir;
  for (;;) {
    const kind = await kindOf(current);
    if (kind === 'directory') {
      if (await writable(current)) return;
      throw new CliFileError(
        shown(dir, cwd),
        `cannot be written: ${current === dir ? 'the directory' : `its parent ${shown(current, cwd)}`} is not writable.`,
        `pass ${flag} a directory you can write to.`,
      );
    }
    if (kind === 'file' || kind === 'other') {
      throw new CliFileError(
        shown(dir, cwd),
        current === dir
          ? 'is a file, not a directory.'
          : `cannot be created: ${shown(current, cwd)} is a file, not a directory.`,
        `pass ${flag} a directory (it is created if missing), e.g. ${flag} .fray/load.`,
      );
    }
    const parent = dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

/**
 * Throw `FRAY_CLI_FILE` unless `file` can be written: not a directory, writable if it
 * exists, and its directory writable or creatable.
 *
 * @example
 * ```ts
 * await assertWritableFile('out/load.js', process.cwd(), '--out'); // fine
 * await assertWritableFile('.', process.cwd(), '--out'); // throws: a directory
 * ```
 */
export async function assertWritableFile(file: string, cwd: string, flag: string): Promise<void> {
  const kind = await kindOf(file);
  if (kind === 'directory') {
    throw new CliFileError(
      shown(file, cwd),
      'is a directory, not a file.',
      `pass ${flag} a file name, e.g. ${flag} ${shown(file, cwd) === '.' ? '' : `${shown(file, cwd)}/`}load.js.`,
    );
  }
  if (kind === 'other') {
    throw new CliFileError(shown(file, cwd), 'is not a regular file.', `pass ${flag} a file name.`);
  }
  if (kind === 'file' && !(await writable(file))) {
    throw new CliFileError(shown(file, cwd), 'exists and is not writable.', `pass ${flag} another file.`);
  }
  await assertWritableDirectory(dirname(file), cwd, flag);
}
