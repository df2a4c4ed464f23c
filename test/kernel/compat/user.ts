/** A local module imported with its .ts extension (`./user.ts`), as Deno notebooks do. */
export interface User {
  name: string;
  admin: boolean;
}

export function makeUser(name: string): User {
  return { name, admin: false };
}
