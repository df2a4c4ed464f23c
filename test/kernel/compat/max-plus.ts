/** A local TypeScript module imported without its extension (`./max-plus`), as tslab notebooks do. */
export function maxPlus(a: number, b: number): number {
  return Math.max(a, b) + 1;
}
