/** Jupyter counts cursor positions in Unicode code points; JavaScript strings index UTF-16 units. */

export function codePointToUnit(text: string, cursor: number): number {
  let units = 0;
  for (let points = 0; points < cursor && units < text.length; points++) {
    units += (text.codePointAt(units) ?? 0) > 0xffff ? 2 : 1;
  }
  return units;
}

export function unitToCodePoint(text: string, offset: number): number {
  let points = 0;
  for (let units = 0; units < offset && units < text.length; points++) {
    units += (text.codePointAt(units) ?? 0) > 0xffff ? 2 : 1;
  }
  return points;
}
