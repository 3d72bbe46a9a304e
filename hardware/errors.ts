/** The message of anything thrown, for error texts that name the cause. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
