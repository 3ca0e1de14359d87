// The course's own JupyterLab plugin, written by hand as a federated extension (no build step): JupyterLab loads
// this file, calls init() and get("./extension"), and activates the plugin it returns. spmcourse/labmodes.py
// copies it into the lab's state folder with PAGES filled in (course pages and which of them have no code).
var _JUPYTERLAB;
(function () {
  var PAGES = /*PAGES*/{"pages": [], "without_code": []}/*END*/;

  // No notebook (course page, lesson, assignment) shows as modified just because it opened: the kernel's language
  // information, written into the notebook's metadata when the kernel connects, is then the only change.
  function text(model) {
    var parts = [];
    for (var i = 0; i < model.cells.length; i++) {
      var cell = model.cells.get(i);
      parts.push(cell.type + "|" + cell.sharedModel.getSource() + "|" + (cell.type === "code" ? cell.executionCount : ""));
    }
    return parts.join("\u0000");
  }

  function keepClean(panel) {
    if (!panel || !panel.context || panel.__spmWatched || !/\.ipynb$/.test(panel.context.path)) return;
    panel.__spmWatched = true;
    var model = panel.context.model;
    panel.context.ready.then(function () {
      var opened = text(model);
      model.metadataChanged.connect(function (sender, change) {
        if (change.key !== "language_info" && change.key !== "kernelspec") return;
        setTimeout(function () { if (model.dirty && text(model) === opened) model.dirty = false; }, 0);
      });
    });
  }

  var plugin = {
    id: "spm-course:pages",
    description: "Course pages without code start no kernel; notebooks do not show as modified on open.",
    autoStart: true,
    activate: function (app) {
      var registry = app.docRegistry, original = registry.getKernelPreference.bind(registry);
      registry.getKernelPreference = function (path, widgetName, kernel) {
        var preference = original(path, widgetName, kernel);
        if (preference && PAGES.without_code.indexOf(path) >= 0) preference.shouldStart = false;
        return preference;
      };
      var watch = function () {
        var it = app.shell.widgets("main"), next;
        while ((next = it.next()) && !next.done) keepClean(next.value);
      };
      if (app.shell.currentChanged) app.shell.currentChanged.connect(watch);
      if (app.shell.layoutModified) app.shell.layoutModified.connect(watch);
      app.restored.then(watch);
    }
  };

  _JUPYTERLAB = window._JUPYTERLAB = window._JUPYTERLAB || {};
  _JUPYTERLAB["spm-course"] = {
    init: function () { return Promise.resolve(); },
    get: function (module) {
      if (module !== "./extension") return Promise.reject(new Error("spm-course has no module " + module));
      return Promise.resolve(function () { return {__esModule: true, default: [plugin]}; });
    }
  };
})();
