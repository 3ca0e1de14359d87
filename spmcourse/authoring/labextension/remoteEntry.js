// The course's own JupyterLab plugin, written by hand as a federated extension (no build step): JupyterLab loads
// this file, calls init() and get("./extension"), and activates the plugin it returns. spmcourse/labmodes.py
// copies it into the lab's state folder with PAGES filled in (course pages, which of them have no code, and whether
// they are editable: in the instructor's lab they are documents, not pages).
var _JUPYTERLAB;
(function () {
  var PAGES = /*PAGES*/{"pages": [], "without_code": [], "editable": false}/*END*/;

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

  function isCoursePage(panel) {
    var spm = panel.context.model.getMetadata ? panel.context.model.getMetadata("spm") : null;
    return PAGES.pages.indexOf(panel.context.path) >= 0 || !!(spm && spm.course_page);
  }

  // An nbgrader assignment has cells with nbgrader metadata; a lesson or a course page has none.
  function isAssignment(model) {
    for (var i = 0; i < model.cells.length; i++) {
      if (model.cells.get(i).getMetadata("nbgrader")) return true;
    }
    return false;
  }

  // nbgrader's Validate button is there for every notebook; on a lesson or a course page it can only fail.
  function hideValidate(panel) {
    var items = panel.toolbar.children(), next;
    while ((next = items.next()) && !next.done) {
      var item = next.value;  // a ToolbarButton keeps its options; its button is drawn later
      if ((item.props && item.props.className === "validate-button") || item.node.querySelector(".validate-button")) {
        item.hide();
      }
    }
  }

  // A course page is a page, not a document: it runs its code when it opens, never shows as modified (so closing
  // it asks nothing) and is never saved (so its outputs never reach the course's files).
  function behaveAsPage(panel) {
    var model = panel.context.model;
    model.stateChanged.connect(function (sender, change) {
      if (change.name === "dirty" && change.newValue) setTimeout(function () { model.dirty = false; }, 0);
    });
    model.dirty = false;
    panel.context.save = function () { return Promise.resolve(); };
    panel.context.saveAs = panel.context.save;
    panel.node.classList.add("spm-course-page");
    var session = panel.sessionContext;
    session.ready.then(function () {
      if (!session.session || !session.session.kernel || panel.isDisposed) return;
      panel.content.widgets.forEach(function (cell) {
        if (cell.model.type === "code" && cell.constructor.execute) cell.constructor.execute(cell, session);
      });
    });
  }

  function watchPanel(panel) {
    if (!panel || !panel.context || panel.__spmWatched || !/\.ipynb$/.test(panel.context.path)) return;
    panel.__spmWatched = true;
    var model = panel.context.model;
    panel.context.ready.then(function () {
      if (!isAssignment(model)) hideValidate(panel);
      if (isCoursePage(panel) && !PAGES.editable) return behaveAsPage(panel);
      var opened = text(model);
      model.metadataChanged.connect(function (sender, change) {
        if (change.key !== "language_info" && change.key !== "kernelspec") return;
        setTimeout(function () { if (model.dirty && text(model) === opened) model.dirty = false; }, 0);
      });
    });
  }

  // Links the progress page writes as <a data-spm-open="work/...ipynb;..."> open those notebooks in JupyterLab
  // (their href, a full page load, is only the fallback).
  function openLinks(app) {
    document.addEventListener("click", function (event) {
      var link = event.target && event.target.closest ? event.target.closest("a[data-spm-open]") : null;
      if (!link) return;
      event.preventDefault();
      event.stopPropagation();
      link.getAttribute("data-spm-open").split(";").forEach(function (path) {
        if (path) app.commands.execute("docmanager:open", {path: path});
      });
    }, true);
  }

  var plugin = {
    id: "spm-course:pages",
    description: "Course pages run on open and are never saved; no Validate on lessons; notebooks open unmodified.",
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
        while ((next = it.next()) && !next.done) watchPanel(next.value);
      };
      if (app.shell.currentChanged) app.shell.currentChanged.connect(watch);
      if (app.shell.layoutModified) app.shell.layoutModified.connect(watch);
      app.restored.then(watch);
      openLinks(app);
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
