
/** Placeholder until @weft/history lands: --db is refused with a clear message. */
export async function openCliHistory(_path: string): Promise<never> {
  throw new Error('history is not available');
}
