// @ts-nocheck: the repository's tsconfig (npm run typecheck) has no JSX setting; the kernel compiles this file with its own.
/** A .tsx component: JSX rendered by the kernel (no React needed). */
export function Badge(props: { label: string; count: number }) {
  return (
    <span className="badge">
      {props.label}: <b>{props.count}</b>
    </span>
  );
}
