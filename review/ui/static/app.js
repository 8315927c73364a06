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
  // The queue loads its next page when "Load more" is clicked or scrolls
  // into view: the server renders the rows (html/template escapes every
  // payload); they are parsed with DOMParser and moved over as nodes,
  // never assigned as markup.
  var more = document.getElementById('more');
  var rows = document.getElementById('rows');
  var loading = false;
  function loadMore() {
    var link = document.getElementById('more');
    if (!link || !rows || loading) return;
    loading = true;
    fetch(link.getAttribute('href'), {credentials: 'same-origin'}).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, 'text/html');
      var got = doc.querySelectorAll('#rows > tr');
      for (var i = 0; i < got.length; i++) rows.appendChild(document.adoptNode(got[i]));
      var next = doc.getElementById('more');
      if (next) link.setAttribute('href', next.getAttribute('href'));
      else link.parentNode.removeChild(link);
      loading = false;
      document.dispatchEvent(new CustomEvent('qrgate:rows'));
      if (next && visible(link)) loadMore();
    }).catch(function (err) {
      loading = false;
      link.textContent = 'Load more → (failed: ' + err.message + '; click to retry)';
    });
  }
  function visible(el) {
    var r = el.getBoundingClientRect();
    return r.top < window.innerHeight && r.bottom > 0;
  }
  if (more && rows) {
    more.addEventListener('click', function (e) { e.preventDefault(); loadMore(); });
    if ('IntersectionObserver' in window) {
      new IntersectionObserver(function (entries) {
        for (var i = 0; i < entries.length; i++) if (entries[i].isIntersecting) loadMore();
      }).observe(more);
    }
  }
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
