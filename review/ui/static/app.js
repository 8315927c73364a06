// qrgate review: keyboard shortcuts. Served as a file so that the page's
// Content-Security-Policy can forbid every inline script.
(function () {
  'use strict';
  function typing(el) {
    if (!el) return false;
    var t = el.tagName;
    return t === 'INPUT' || t === 'TEXTAREA' || t === 'SELECT' || el.isContentEditable;
  }
  var rows = document.getElementById('rows');
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
    if (rows && queueKey(e.key)) {
      e.preventDefault();
      return;
    }
    switch (e.key) {
      case 'a': done = click('approve'); break;
      case 'r': done = click('reject'); break;
      case 'A': done = click('bulk-approve'); break;
      case 'R': done = click('bulk-reject'); break;
      case 'n': case 'j': done = click('next'); break;
      case 'q': window.location.href = '/ui/?status=pending'; done = true; break;
      case 'e': case '/':
        var note = document.getElementById('note');
        if (note) { note.focus(); done = true; }
        break;
    }
    if (done) e.preventDefault();
  });
  // Queue selection: a checkbox per row (the bulk form's ids), shift-click
  // for a range, a select-all box, and a row cursor for the keyboard
  // (j/k move it, x toggles its row, o opens it).
  var lastPicked = null;
  var cursor = -1;
  function rowList() { return rows ? rows.querySelectorAll('tr') : []; }
  function boxes() { return rows ? rows.querySelectorAll('input.pick') : []; }
  function updatePicked() {
    var bs = boxes(), n = 0;
    for (var i = 0; i < bs.length; i++) {
      if (bs[i].checked) n++;
      bs[i].closest('tr').classList.toggle('picked', bs[i].checked);
    }
    var label = document.getElementById('picked');
    if (label) label.textContent = n + ' selected';
    var all = document.getElementById('pick-all');
    if (all) { all.checked = n > 0 && n === bs.length; all.indeterminate = n > 0 && n < bs.length; }
    ['bulk-approve', 'bulk-reject'].forEach(function (id) {
      var b = document.getElementById(id);
      if (b) b.disabled = n === 0;
    });
  }
  function moveCursor(to) {
    var rs = rowList();
    if (!rs.length) return;
    if (cursor >= 0 && rs[cursor]) rs[cursor].classList.remove('cursor');
    cursor = Math.max(0, Math.min(rs.length - 1, to));
    rs[cursor].classList.add('cursor');
    rs[cursor].scrollIntoView({block: 'nearest'});
  }
  function queueKey(key) {
    var rs = rowList();
    switch (key) {
      case 'j': moveCursor(cursor + 1); return true;
      case 'k': moveCursor(cursor - 1); return true;
      case 'x':
        if (cursor < 0 || !rs[cursor]) moveCursor(0);
        var box = rs[cursor] && rs[cursor].querySelector('input.pick');
        if (box) { box.checked = !box.checked; lastPicked = box; updatePicked(); }
        return true;
      case 'o':
        var open = cursor >= 0 && rs[cursor] && rs[cursor].querySelector('a.open');
        if (open) { open.click(); return true; }
        return false;
    }
    return false;
  }
  if (rows) {
    rows.addEventListener('click', function (e) {
      var box = e.target;
      if (!box.classList || !box.classList.contains('pick')) return;
      if (e.shiftKey && lastPicked && lastPicked !== box) {
        var bs = Array.prototype.slice.call(boxes());
        var a = bs.indexOf(lastPicked), b = bs.indexOf(box);
        if (a >= 0 && b >= 0) {
          for (var i = Math.min(a, b); i <= Math.max(a, b); i++) bs[i].checked = box.checked;
        }
      }
      lastPicked = box;
      updatePicked();
    });
    var all = document.getElementById('pick-all');
    if (all) {
      all.addEventListener('change', function () {
        var bs = boxes();
        for (var i = 0; i < bs.length; i++) bs[i].checked = all.checked;
        updatePicked();
      });
    }
    document.addEventListener('qrgate:rows', updatePicked);
    updatePicked();
  }
  var bulk = document.getElementById('bulk');
  if (bulk) {
    bulk.addEventListener('submit', function () {
      setTimeout(function () {
        var bs = bulk.querySelectorAll('button');
        for (var i = 0; i < bs.length; i++) bs[i].disabled = true;
      }, 0);
    });
  }
  // The queue loads its next page when "Load more" is clicked or scrolls
  // into view: the server renders the rows (html/template escapes every
  // payload); they are parsed with DOMParser and moved over as nodes,
  // never assigned as markup.
  var more = document.getElementById('more');
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
