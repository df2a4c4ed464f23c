/**
 * JSX in cells: the kernel's own element factory (cells compile `<b>hi</b>` to `__mlsd_jsx.h("b", null, "hi")`),
 * rendered to HTML when displayed. Function and class components are called with their props, as React's
 * server renderer does; React's own elements (`$$typeof`) render the same way. No React install is needed.
 */
import { DISPLAY_SYMBOL, type MimeBundle } from "../../lib/display/mime.js";

export const Fragment: unique symbol = Symbol.for("mlsd.jsx.fragment") as never;
const REACT_FRAGMENT = Symbol.for("react.fragment");

export interface JsxElement {
  readonly type: unknown;
  readonly props: Record<string, unknown>;
}

const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]);
const UNITLESS = new Set(["opacity", "zIndex", "fontWeight", "lineHeight", "flex", "flexGrow", "flexShrink", "order", "zoom"]);
const ATTRIBUTE_NAMES: Record<string, string> = { className: "class", htmlFor: "for" };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function styleText(style: Record<string, unknown>): string {
  return Object.entries(style)
    .filter(([, v]) => v !== null && v !== undefined && v !== false)
    .map(([k, v]) => {
      const name = k.startsWith("--") ? k : k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      return `${name}:${typeof v === "number" && v !== 0 && !UNITLESS.has(k) ? `${v}px` : String(v)}`;
    })
    .join(";");
}

function isElement(node: unknown): node is JsxElement {
  return typeof node === "object" && node !== null && "type" in node && "props" in node;
}

/**
 * HTML for a JSX tree: strings are escaped, `null`/booleans render nothing, arrays are concatenated.
 * @example renderToHtml(jsx.h("b", { className: "x" }, "1 < 2")) // '<b class="x">1 &lt; 2</b>'
 */
export function renderToHtml(node: unknown): string {
  if (node === null || node === undefined || typeof node === "boolean") return "";
  if (typeof node === "string") return escapeHtml(node);
  if (typeof node === "number" || typeof node === "bigint") return String(node);
  if (Array.isArray(node)) return node.map(renderToHtml).join("");
  if (!isElement(node)) return escapeHtml(String(node));
  const { type, props } = node;
  if (type === Fragment || type === REACT_FRAGMENT) return renderToHtml(props["children"]);
  if (typeof type === "function") {
    const proto = (type as { prototype?: { render?: unknown } }).prototype;
    if (proto && typeof proto.render === "function") {
      const instance = new (type as new (p: unknown) => { render(): unknown })(props);
      return renderToHtml(instance.render());
    }
    return renderToHtml((type as (p: unknown) => unknown)(props));
  }
  if (typeof type !== "string") throw new TypeError(`A JSX element's type must be a tag name, a component or a fragment; got ${String(type)}`);
  let attrs = "";
  for (const [key, value] of Object.entries(props)) {
    if (key === "children" || key === "key" || key === "ref" || key === "dangerouslySetInnerHTML") continue;
    if (value === null || value === undefined || value === false || typeof value === "function") continue;
    const name = ATTRIBUTE_NAMES[key] ?? key;
    if (value === true) attrs += ` ${name}`;
    else if (key === "style" && typeof value === "object") attrs += ` style="${escapeHtml(styleText(value as Record<string, unknown>))}"`;
    else attrs += ` ${name}="${escapeHtml(String(value))}"`;
  }
  if (VOID.has(type)) return `<${type}${attrs}/>`;
  const inner = props["dangerouslySetInnerHTML"] as { __html?: string } | undefined;
  return `<${type}${attrs}>${inner?.__html ?? renderToHtml(props["children"])}</${type}>`;
}

/** The MIME bundle of a JSX (or React) element: its HTML, and the HTML as text. */
export function jsxBundle(element: JsxElement): MimeBundle {
  const html = renderToHtml(element);
  return { "text/html": html, "text/plain": html };
}

/** Whether `value` is a React element (`react`'s createElement), which the kernel shows as HTML too. */
export function isReactElement(value: unknown): value is JsxElement {
  if (typeof value !== "object" || value === null) return false;
  const tag = (value as { $$typeof?: unknown }).$$typeof;
  return tag === Symbol.for("react.element") || tag === Symbol.for("react.transitional.element");
}

class Element implements JsxElement {
  constructor(readonly type: unknown, readonly props: Record<string, unknown>) {}
  [DISPLAY_SYMBOL](): MimeBundle {
    return jsxBundle(this);
  }
}

/** The factory cells' JSX compiles to (jsxFactory `__mlsd_jsx.h`, jsxFragmentFactory `__mlsd_jsx.Fragment`). */
export const jsx = {
  /** @example jsx.h("ul", null, jsx.h("li", null, "one")) */
  h(type: unknown, props: Record<string, unknown> | null, ...children: unknown[]): JsxElement {
    const all: Record<string, unknown> = { ...(props ?? {}) };
    if (children.length > 0) all["children"] = children.length === 1 ? children[0] : children;
    return new Element(type, all);
  },
  Fragment,
};
