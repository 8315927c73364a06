// qrgate review: keyboard shortcuts. Served as a file so that the page's
// Content-Security-Policy can forbid every inline script.
(function () {
  'use strict';
  function typing(el) {
    if (!el) return false;
    var t = el.tagName;
    return t === 'INPUT' || t === 'TEXTAREA' || t === 'SELECT' || el.isContentEditable;
  }
  function click(id) {
    var el = document.getElementById(id);
    if (!el) return false;
    el.click();
    return true;
  }
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'Escape' && typing(document.activeElement)) {
      document.activeElement.blur();
      return;
    }
    if (typing(e.target)) return;
    var done = false;
    switch (e.key) {
      case 'a': done = click('approve'); break;
      case 'r': done = click('reject'); break;
      case 'n': case 'j': done = click('next'); break;
      case 'q': window.location.href = '/ui/?status=pending'; done = true; break;
      case 'e': case '/':
        var note = document.getElementById('note');
        if (note) { note.focus(); done = true; }
        break;
    }
    if (done) e.preventDefault();
  });
  // A decision form is sent once: a double press must not become an
  // accidental 409 (or, with override ticked, a second decision).
  var form = document.getElementById('decision');
  if (form) {
    form.addEventListener('submit', function () {
      setTimeout(function () {
        var bs = form.querySelectorAll('button');
        for (var i = 0; i < bs.length; i++) bs[i].disabled = true;
      }, 0);
    });
  }
})();
