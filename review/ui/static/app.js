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
  // Image zoom: click (or +) zooms in 2× at the point, shift-click (or −)
  // out, the wheel zooms smoothly, dragging pans, "fit" resets. It moves
  // the SVG's viewBox, so the outlines, drawn in the image's own pixels,
  // scale and move with the image. Past 2× the original replaces the
  // preview.
  var maxZoom = 16;
  function setupZoom(box) {
    var svg = box.querySelector('svg.overlay');
    if (!svg) return;
    var W = +svg.getAttribute('data-width'), H = +svg.getAttribute('data-height');
    var v = {x: 0, y: 0, w: W, h: H};
    var img = svg.querySelector('image');
    var level = box.querySelector('.zoom-level');
    var full = false;
    function apply() {
      v.w = Math.min(W, Math.max(W / maxZoom, v.w));
      v.h = v.w * H / W;
      v.x = Math.min(W - v.w, Math.max(0, v.x));
      v.y = Math.min(H - v.h, Math.max(0, v.y));
      svg.setAttribute('viewBox', [v.x, v.y, v.w, v.h].join(' '));
      var z = W / v.w;
      if (level) level.textContent = (Math.round(z * 10) / 10) + '×';
      if (z > 2 && !full && img) { img.setAttribute('href', box.getAttribute('data-full')); full = true; }
    }
    function toImage(cx, cy) {
      var pt = svg.createSVGPoint();
      pt.x = cx; pt.y = cy;
      return pt.matrixTransform(svg.getScreenCTM().inverse());
    }
    function zoomAt(f, p) {
      var nw = Math.min(W, Math.max(W / maxZoom, v.w / f));
      var k = nw / v.w;
      v.x = p.x - (p.x - v.x) * k;
      v.y = p.y - (p.y - v.y) * k;
      v.w = nw;
      apply();
    }
    function centre() { return {x: v.x + v.w / 2, y: v.y + v.h / 2}; }
    var drag = null;
    svg.addEventListener('pointerdown', function (e) {
      drag = {x: e.clientX, y: e.clientY, vx: v.x, vy: v.y, moved: false};
    });
    svg.addEventListener('pointermove', function (e) {
      if (!drag) return;
      var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
      drag.moved = true;
      var r = svg.getBoundingClientRect();
      v.x = drag.vx - dx * v.w / r.width;
      v.y = drag.vy - dy * v.h / r.height;
      apply();
    });
    svg.addEventListener('pointerup', function (e) {
      var d = drag;
      drag = null;
      if (d && !d.moved) zoomAt(e.shiftKey ? 0.5 : 2, toImage(e.clientX, e.clientY));
    });
    svg.addEventListener('wheel', function (e) {
      e.preventDefault();
      zoomAt(Math.exp(-e.deltaY * 0.002), toImage(e.clientX, e.clientY));
    }, {passive: false});
    var zin = box.querySelector('.zoom-in'), zout = box.querySelector('.zoom-out'), reset = box.querySelector('.zoom-reset');
    if (zin) zin.addEventListener('click', function () { zoomAt(2, centre()); });
    if (zout) zout.addEventListener('click', function () { zoomAt(0.5, centre()); });
    if (reset) reset.addEventListener('click', function () { v = {x: 0, y: 0, w: W, h: H}; apply(); });
  }
  var zooms = document.querySelectorAll('.zoom');
  for (var zi = 0; zi < zooms.length; zi++) setupZoom(zooms[zi]);
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
