/**
 * anywidget's front end for Notebook 6.4's widget extension (Debian's jupyter-js-widgets 2.1), which has none:
 * an nbextension that maps the requirejs module `anywidget` (what the widget manager loads for
 * `_model_module: "anywidget"`) to an AnyModel/AnyView built on jupyter-js-widgets' DOMWidgetModel/View.
 * It implements anywidget's front-end module contract (AFM): the `_esm` source is imported as a module; its
 * default export (an object, or a function returning one) or the module itself gives `initialize({ model })`,
 * run once per model, and `render({ model, el })`, run per view; either may return a cleanup function, run
 * when the model closes or the view is removed. `model` offers get, set, save_changes, on, off, send and
 * widget_manager, as anywidget's model proxy. `_css` goes into one <style> per `_anywidget_id`.
 * Layout follows `jupyter nbextension install/enable`: files under <data dir>/nbextensions/anywidget/, the
 * enable flag under <config dir>/nbconfig/notebook.d/.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The folder name under nbextensions/, and the requirejs name the widget manager asks for. */
export const NBEXTENSION_NAME = "anywidget";

/** Loaded at page start: points requirejs's `anywidget` at the module below (as anywidget's own nbextension). */
export const EXTENSION_JS = `// mlsd: anywidget's front end for Notebook 6's widget extension (jupyter-js-widgets 2.1).
define(function () {
  "use strict";
  window.requirejs.config({ map: { "*": { anywidget: "nbextensions/anywidget/index" } } });
  return { load_ipython_extension: function () {} };
});
`;

/** The AnyModel / AnyView module. */
export const INDEX_JS = `// mlsd: AnyModel and AnyView on jupyter-js-widgets 2.1, implementing anywidget's AFM contract.
define(["jupyter-js-widgets"], function (widgets) {
  "use strict";

  function importSource(source) {
    var url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    return import(url).finally(function () { URL.revokeObjectURL(url); });
  }

  // anywidget's module forms: default export object, default export function returning one, or named exports.
  function widgetDef(mod) {
    var def = mod["default"] !== undefined ? mod["default"] : mod;
    return Promise.resolve(typeof def === "function" ? def() : def);
  }

  function proxy(model) {
    return {
      get: function (name) { return model.get(name); },
      set: function (name, value) { model.set(name, value); },
      save_changes: function () { model.save_changes(); },
      on: function (name, callback) { model.on(name, callback); },
      off: function (name, callback) { model.off(name || null, callback || null); },
      send: function (content, callbacks, buffers) { model.send(content, callbacks || {}, buffers || []); },
      widget_manager: model.widget_manager,
    };
  }

  function applyCss(model) {
    var id = "anywidget-css-" + String(model.get("_anywidget_id")).replace(/[^A-Za-z0-9_-]/g, "_");
    var style = document.getElementById(id);
    if (!model.get("_css")) { if (style) style.remove(); return; }
    if (!style) {
      style = document.createElement("style");
      style.id = id;
      document.head.appendChild(style);
    }
    style.textContent = model.get("_css");
  }

  function call(fn, arg) {
    return Promise.resolve(typeof fn === "function" ? fn(arg) : undefined).then(function (cleanup) {
      return typeof cleanup === "function" ? cleanup : function () {};
    });
  }

  var AnyModel = widgets.DOMWidgetModel.extend({
    defaults: function () {
      return Object.assign(widgets.DOMWidgetModel.prototype.defaults.call(this), {
        _model_name: "AnyModel", _model_module: "anywidget", _view_name: "AnyView", _view_module: "anywidget",
        _esm: "", _css: "", _anywidget_id: "",
      });
    },
    initialize: function () {
      widgets.DOMWidgetModel.prototype.initialize.apply(this, arguments);
      var model = this;
      applyCss(model);
      model.on("change:_css", function () { applyCss(model); });
      model.anywidget = importSource(model.get("_esm")).then(widgetDef).then(function (def) {
        return call(def.initialize, { model: proxy(model) }).then(function (cleanup) {
          model.once("comm:close", cleanup);
          return def;
        });
      });
    },
  });

  var AnyView = widgets.DOMWidgetView.extend({
    render: function () {
      var view = this;
      view.anywidgetCleanup = function () {};
      return view.model.anywidget.then(function (def) {
        return call(def.render, { model: proxy(view.model), el: view.el }).then(function (cleanup) { view.anywidgetCleanup = cleanup; });
      }).catch(function (err) {
        console.error("anywidget: the widget's module failed", err);
        var pre = document.createElement("pre");
        pre.className = "anywidget-error";
        pre.textContent = "anywidget: " + (err && err.stack ? err.stack : String(err));
        view.el.appendChild(pre);
      });
    },
    remove: function () {
      this.anywidgetCleanup && this.anywidgetCleanup();
      return widgets.DOMWidgetView.prototype.remove.apply(this, arguments);
    },
  });

  return { AnyModel: AnyModel, AnyView: AnyView };
});
`;

function write(path: string, text: string): void {
  const tmp = `${path}.${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/**
 * Installs and enables the nbextension: `dataDir` is a Jupyter data directory (share/jupyter of a prefix),
 * `configDir` the matching config directory (etc/jupyter of a prefix). Returns the extension's folder.
 * @example installAnywidgetNbextension("/usr/local/share/jupyter", "/usr/local/etc/jupyter")
 */
export function installAnywidgetNbextension(dataDir: string, configDir: string): string {
  const dir = join(dataDir, "nbextensions", NBEXTENSION_NAME);
  mkdirSync(dir, { recursive: true });
  write(join(dir, "extension.js"), EXTENSION_JS);
  write(join(dir, "index.js"), INDEX_JS);
  const nbconfig = join(configDir, "nbconfig", "notebook.d");
  mkdirSync(nbconfig, { recursive: true });
  write(join(nbconfig, `${NBEXTENSION_NAME}.json`), JSON.stringify({ load_extensions: { [`${NBEXTENSION_NAME}/extension`]: true } }, null, 2) + "\n");
  return dir;
}
