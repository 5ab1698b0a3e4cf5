/*
 * The page's words for its scripts (issue 20): the catalog's translations the page carries as a
 * JSON block (`{% js_words %}`, web/js_catalog.py), read once. Every page script takes
 * `gettext` (the English it holds where the page gives none) and `interpolate` (fills
 * "%(name)s") from window.hipalignWords. Loaded from base.html before the page's scripts, and
 * kept by the service worker with them, so an offline page has its words.
 */
(function () {
  'use strict';
  let words = {};
  try {
    words = JSON.parse(document.getElementById('hipalign-words').textContent) || {};
  } catch (e) {
    words = {};
  }
  window.hipalignWords = Object.freeze({
    gettext: (s) => words[s] || s,
    interpolate: (fmt, values) => fmt.replace(/%\((\w+)\)s/g, (_m, k) => String(values[k])),
  });
})();
