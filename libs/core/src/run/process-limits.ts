import type { ResourceLimits } from '../spec/workflow.types';
import type { ProcessCommand } from './process-runner';

/**
 * Applies the limits with the shell's `ulimit`, then `exec`s the program: the values travel as
 * arguments (`$1`…), never as text of the script. `-d` caps the data segment (heap and private
 * writable mappings, what a runaway allocation grows); CPU time gets a soft limit (SIGXCPU) and a
 * hard one two seconds later (SIGKILL) for programs that catch SIGXCPU.
 */
const SCRIPT =
  'd=$1 s=$2 h=$3; shift 3; ' +
  'if [ "$d" != 0 ]; then ulimit -d "$d" || exit 126; fi; ' +
  'if [ "$s" != 0 ]; then ulimit -S -t "$s" && ulimit -H -t "$h" || exit 126; fi; ' +
  'exec "$@"';

/** Exit code of the wrapper when `exec` finds no program (POSIX shells use 127). */
export const LIMITS_NOT_FOUND_EXIT = 127;

function positiveInt(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : 0;
}

/** The command wrapped so its process starts under `limits`; the command itself when none apply. */
export function withResourceLimits(command: ProcessCommand, limits: ResourceLimits | undefined): ProcessCommand {
  const dataKb = positiveInt(limits?.memoryMb) * 1024;
  const cpu = positiveInt(limits?.cpuSeconds);
  if (!dataKb && !cpu) return command;
  return {
    command: '/bin/sh',
    args: ['-c', SCRIPT, 'weft-limits', String(dataKb), String(cpu), String(cpu ? cpu + 2 : 0), command.command, ...command.args],
  };
}
