/**
 * The report page's script (runs in the browser, inlined in the HTML).
 *
 * Safety: every packet-derived string reaches the page through `textContent`, SVG text nodes or
 * `title` elements — never innerHTML, never an attribute that takes a URL or a script — so a
 * payload like `<img onerror=…>` is shown as the characters it is. The page's Content Security
 * Policy (render.ts) allows only this script (by hash) as a second line of defence.
 *
 * Scale: the data of every finding is parsed once; the overview counts and the timeline are
 * computed from it, and finding sections are built on demand, one page (PAGE_SIZE) at a time, so
 * 50,000 findings cost 50 sections of DOM, not 50,000. The timeline is one <canvas>.
 *
 * Written as plain browser JavaScript in a raw string (no backticks and no dollar-brace inside):
 * the project's TypeScript has no DOM types. `ladderLayout` (ladder-layout.ts) is prepended by
 * render.ts.
 */
export const PAGE_SCRIPT = String.raw`
'use strict';
(function () {
  // The data block is JSON, or (large reports) gzip-compressed JSON in base64, inflated with the
  // browser's own DecompressionStream (Compression Streams standard): no library, no network.
  function loadData() {
    var node = document.getElementById('rstscope-data');
    if (node.dataset.encoding !== 'gzip+base64') return Promise.resolve(JSON.parse(node.textContent));
    var bin = atob(node.textContent);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    performance.mark('rstscope:decoded');
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream).text().then(function (text) {
      performance.mark('rstscope:inflated');
      return JSON.parse(text);
    });
  }
  // Marks for the scale benchmark (test/e2e/html-scale.bench.ts): where the load time goes.
  performance.mark('rstscope:start');
  loadData().then(start, function (err) {
    document.getElementById('totals').textContent = 'This report could not read its data: ' + err;
  });

function start(DATA) {
  var PAGE_SIZE = 50;
  var SEVERITIES = ['security', 'problem', 'expected-failure', 'benign'];
  var SEV_COLOR = { security: '#7b2cbf', problem: '#d62828', 'expected-failure': '#e07a00', benign: '#2a9d8f' };
  performance.mark('rstscope:parsed');
  var STR = DATA.strings;
  var ALL = DATA.findings;
  var MULTI = DATA.captures.length > 1;
  var state = { cause: '', sev: '', host: '', port: '', q: '', t0: null, t1: null, page: 0 };
  var shown = [];
  var byId = new Map();
  var hay = null;

  // Texts: inline, interned (an index), or a template with its numbers (model.ts, Text).
  function S(v) {
    if (typeof v === 'number') return STR[v];
    if (v == null) return '';
    if (typeof v === 'object') {
      var parts = STR[v[0]].split('\u0000');
      var nums = v[1].split('|');
      var out = parts[0];
      for (var i = 1; i < parts.length; i++) out += nums[i - 1] + parts[i];
      return out;
    }
    return String(v);
  }
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var c = arguments[i];
      if (c == null) continue;
      parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return parent;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    return e;
  }
  function refCapture(r) { return Math.floor(r / 4294967296); }
  function refFrame(r) { return r - refCapture(r) * 4294967296; }
  function frameText(r) { return MULTI ? refCapture(r) + ':' + refFrame(r) : String(refFrame(r)); }
  function framesText(refs) {
    if (!refs || refs.length === 0) return '';
    var shownRefs = refs.slice(0, 12).map(frameText).join(', ');
    return (refs.length === 1 ? 'frame ' : 'frames ') + shownRefs + (refs.length > 12 ? ' …' : '');
  }
  function pad(n, w) { n = String(n); while (n.length < w) n = '0' + n; return n; }
  function utc(sec) {
    var d = new Date(Math.floor(sec * 1000));
    if (isNaN(d.getTime())) return String(sec);
    var us = Math.round((sec - Math.floor(sec)) * 1e6);
    if (us === 1000000) us = 999999;
    return d.toISOString().slice(0, 19).replace('T', ' ') + '.' + pad(us, 6) + ' UTC';
  }
  function hostOf(ep) {
    if (ep.charAt(0) === '[') return ep.slice(1, ep.indexOf(']'));
    var i = ep.lastIndexOf(':');
    return i > 0 && ep.indexOf(':') === i ? ep.slice(0, i) : ep;
  }
  function portOf(ep) {
    var i = ep.lastIndexOf(':');
    if (i <= 0 || (ep.charAt(0) !== '[' && ep.indexOf(':') !== i)) return '';
    return ep.slice(i + 1);
  }

  for (var i = 0; i < ALL.length; i++) byId.set(ALL[i].id, i);

  // ------------------------------------------------------------------ search index
  // Built on the first search, not at load: most visits never type in the box.
  function searchIndex() {
    if (hay !== null) return hay;
    hay = new Array(ALL.length);
    for (var i = 0; i < ALL.length; i++) {
      var f = ALL[i];
      var parts = ['#' + f.id, f.kind, f.cause, f.sev, f.origin || '', f.client, f.server, S(f.sum), S(f.next)];
      if (f.app) parts.push(S(f.app[0]), S(f.app[1]));
      for (var k = 0; k < f.fr.length; k++) parts.push('frame ' + refFrame(f.fr[k]));
      hay[i] = parts.join('\n').toLowerCase();
    }
    return hay;
  }

  function matches(f, i) {
    if (state.cause && f.cause !== state.cause) return false;
    if (state.sev && f.sev !== state.sev) return false;
    if (state.t0 !== null && (f.t < state.t0 || f.t >= state.t1)) return false;
    if (state.host) {
      var h = state.host;
      var a = hostOf(f.client), b = hostOf(f.server);
      if (a !== h && b !== h && a.indexOf(h) !== 0 && b.indexOf(h) !== 0) return false;
    }
    if (state.port && portOf(f.client) !== state.port && portOf(f.server) !== state.port) return false;
    if (state.q && searchIndex()[i].indexOf(state.q) < 0) return false;
    return true;
  }

  function applyFilters(keepPage) {
    shown = [];
    for (var i = 0; i < ALL.length; i++) if (matches(ALL[i], i)) shown.push(i);
    if (!keepPage) state.page = 0;
    $('count').textContent = shown.length === ALL.length
      ? ALL.length + ' findings'
      : shown.length + ' of ' + ALL.length + ' findings';
    $('time-window').hidden = state.t0 === null;
    if (state.t0 !== null) $('time-window-label').textContent = utc(state.t0) + ' → ' + utc(state.t1);
    drawTimeline();
    renderPage();
  }

  // ------------------------------------------------------------------ overview
  function countBy(key) {
    var m = new Map();
    for (var i = 0; i < ALL.length; i++) {
      var v = key(ALL[i]);
      if (v === null) continue;
      m.set(v, (m.get(v) || 0) + 1);
    }
    return Array.from(m.entries()).sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : 1); });
  }

  function barTable(title, rows, onPick, colour) {
    var box = el('div', 'card');
    add(box, el('h3', null, title));
    var t = el('table', 'bars');
    var max = 1;
    rows.forEach(function (r) { if (r[1] > max) max = r[1]; });
    rows.forEach(function (r) {
      var tr = el('tr');
      var name = el('td', 'name');
      var b = el('button', 'link', r[0]);
      b.type = 'button';
      b.addEventListener('click', function () { onPick(r[0]); });
      add(name, b);
      var bar = el('td', 'bar');
      var fill = el('span', 'fill');
      fill.style.width = Math.max(2, Math.round((100 * r[1]) / max)) + '%';
      fill.style.background = colour ? colour(r[0]) : '#4a6fa5';
      add(bar, fill);
      add(tr, name, bar, el('td', 'num', String(r[1])));
      add(t, tr);
    });
    if (rows.length === 0) add(box, el('p', 'muted', 'none'));
    else add(box, t);
    return box;
  }

  function renderOverview() {
    var caps = $('captures');
    DATA.captures.forEach(function (c) {
      var li = el('li');
      add(li, el('code', null, c.path), ' (' + c.format + (c.compression !== 'none' ? ', ' + c.compression : '') + ') — ' +
        c.packets + ' packets, ' + c.connections + ' TCP connections' +
        (c.firstTs !== null ? ', ' + utc(c.firstTs) + ' → ' + utc(c.lastTs) : '') +
        (c.vantage ? ', vantage: ' + c.vantage : '') +
        (c.clock ? ', clock offset ' + c.clock.offset + ' s ± ' + c.clock.uncertainty : ''));
      c.problems.forEach(function (p) { add(li, el('div', 'problem', 'problem at byte ' + p.offset + ': ' + p.message)); });
      if (MULTI) li.insertBefore(el('b', null, 'capture ' + c.index + ': '), li.firstChild);
      add(caps, li);
    });
    var kinds = countBy(function (f) { return f.kind; });
    var kindText = kinds.map(function (k) { return k[1] + ' ' + k[0] + (k[1] === 1 ? '' : 's'); }).join(', ');
    var attention = ALL.filter(function (f) { return f.sev === 'problem' || f.sev === 'security'; }).length;
    $('totals').textContent = ALL.length + ' findings (' + (kindText || 'none') + '); ' + attention + ' need attention (problem or security).';
    var sevRows = SEVERITIES.map(function (s) {
      return [s, ALL.filter(function (f) { return f.sev === s; }).length];
    }).filter(function (r) { return r[1] > 0; });
    var causeSev = new Map();
    ALL.forEach(function (f) { causeSev.set(f.cause, f.sev); });
    var causes = countBy(function (f) { return f.cause; });
    var grid = $('overview-grid');
    add(grid,
      barTable('By severity', sevRows, function (v) { setSelect('f-sev', v); }, function (s) { return SEV_COLOR[s]; }),
      barTable('By cause', causes, function (v) { setSelect('f-cause', v); },
        function (c) { return SEV_COLOR[causeSev.get(c)] || '#4a6fa5'; }),
      barTable('Top hosts', topHosts().slice(0, 10), function (v) { setInput('f-host', v); }),
      barTable('Top server ports', countBy(function (f) { var p = portOf(f.server); return p === '' ? null : p; }).slice(0, 10),
        function (v) { setInput('f-port', v); }));
    fillSelect('f-cause', causes, 'all causes');
    fillSelect('f-sev', sevRows, 'all severities');
    var legend = $('legend');
    SEVERITIES.forEach(function (s) {
      var sw = el('span', 'swatch');
      sw.style.background = SEV_COLOR[s];
      add(legend, sw, s + ' ');
    });
  }

  function topHosts() {
    var m = new Map();
    ALL.forEach(function (f) {
      var a = hostOf(f.client), b = hostOf(f.server);
      m.set(a, (m.get(a) || 0) + 1);
      if (b !== a && b !== '*') m.set(b, (m.get(b) || 0) + 1);
    });
    return Array.from(m.entries()).sort(function (x, y) { return y[1] - x[1] || (x[0] < y[0] ? -1 : 1); });
  }

  function fillSelect(id, rows, allLabel) {
    var s = $(id);
    var o = el('option', null, allLabel);
    o.value = '';
    add(s, o);
    rows.forEach(function (r) {
      var opt = el('option', null, r[0] + ' (' + r[1] + ')');
      opt.value = r[0];
      add(s, opt);
    });
  }
  function setSelect(id, v) { $(id).value = v; readFilters(); }
  function setInput(id, v) { $(id).value = v; readFilters(); }

  // ------------------------------------------------------------------ timeline (one canvas)
  var bins = null;
  var span = null;
  function timeSpan() {
    var lo = Infinity, hi = -Infinity;
    DATA.captures.forEach(function (c) {
      if (c.firstTs !== null) { lo = Math.min(lo, c.firstTs + (c.clock ? c.clock.offset : 0)); hi = Math.max(hi, c.lastTs + (c.clock ? c.clock.offset : 0)); }
    });
    ALL.forEach(function (f) { if (f.t < lo) lo = f.t; if (f.t > hi) hi = f.t; });
    if (!isFinite(lo)) { lo = 0; hi = 1; }
    if (hi <= lo) hi = lo + 1;
    return [lo, hi];
  }
  function drawTimeline() {
    var canvas = $('timeline');
    var cssW = canvas.clientWidth || 800, cssH = 120;
    var dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(cssW * dpr);
    canvas.height = Math.round(cssH * dpr);
    var ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssW, cssH);
    if (span === null) span = timeSpan();
    var n = Math.max(10, Math.floor(cssW / 3));
    var counts = SEVERITIES.map(function () { return new Uint32Array(n); });
    var total = new Uint32Array(n);
    var width = span[1] - span[0];
    for (var j = 0; j < shown.length; j++) {
      var f = ALL[shown[j]];
      var b = Math.min(n - 1, Math.max(0, Math.floor(((f.t - span[0]) / width) * n)));
      counts[SEVERITIES.indexOf(f.sev)][b]++;
      total[b]++;
    }
    var max = 1;
    for (var q = 0; q < n; q++) if (total[q] > max) max = total[q];
    var plotH = cssH - 18, bw = cssW / n;
    for (var x = 0; x < n; x++) {
      var y = plotH;
      for (var s = SEVERITIES.length - 1; s >= 0; s--) {
        var c = counts[s][x];
        if (c === 0) continue;
        var h = Math.max(1, (c / max) * (plotH - 4));
        ctx.fillStyle = SEV_COLOR[SEVERITIES[s]];
        ctx.fillRect(x * bw, y - h, Math.max(1, bw - 0.5), h);
        y -= h;
      }
    }
    ctx.fillStyle = '#555';
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'bottom';
    ctx.fillText(utc(span[0]), 2, cssH - 2);
    var endText = utc(span[1]);
    ctx.fillText(endText, cssW - ctx.measureText(endText).width - 2, cssH - 2);
    ctx.fillText('max ' + max + ' per bar', cssW / 2 - 30, cssH - 2);
    bins = { n: n, total: total, counts: counts, width: width, cssW: cssW };
  }
  function binAt(evt) {
    var canvas = $('timeline');
    var rect = canvas.getBoundingClientRect();
    var x = evt.clientX - rect.left;
    var b = Math.min(bins.n - 1, Math.max(0, Math.floor((x / rect.width) * bins.n)));
    var t0 = span[0] + (b / bins.n) * bins.width;
    return { b: b, t0: t0, t1: t0 + bins.width / bins.n };
  }

  // ------------------------------------------------------------------ finding sections
  function renderPage() {
    var list = $('findings');
    list.textContent = '';
    var pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
    if (state.page >= pages) state.page = pages - 1;
    var from = state.page * PAGE_SIZE;
    var to = Math.min(shown.length, from + PAGE_SIZE);
    var frag = document.createDocumentFragment();
    for (var i = from; i < to; i++) frag.appendChild(findingSection(ALL[shown[i]]));
    list.appendChild(frag);
    if (shown.length === 0) add(list, el('p', 'muted', 'No finding matches these filters.'));
    var label = shown.length === 0 ? '' : 'findings ' + (from + 1) + '–' + to + ' of ' + shown.length + ' (page ' + (state.page + 1) + ' of ' + pages + ')';
    document.querySelectorAll('.pager-label').forEach(function (e) { e.textContent = label; });
    document.querySelectorAll('.prev').forEach(function (e) { e.disabled = state.page === 0; });
    document.querySelectorAll('.next').forEach(function (e) { e.disabled = state.page >= pages - 1; });
  }

  function findingLink(id) {
    var b = el('button', 'link', '#' + id);
    b.type = 'button';
    b.addEventListener('click', function () { reveal(id); });
    return b;
  }

  function findingSection(f) {
    var sec = el('section', 'finding sev-' + f.sev);
    sec.id = 'finding-' + f.id;
    sec.dataset.cause = f.cause;
    sec.dataset.severity = f.sev;
    var h = el('h3');
    var badge = el('span', 'sev', f.sev);
    badge.style.background = SEV_COLOR[f.sev];
    add(h, el('span', 'fid', '#' + f.id), ' ', badge, ' ', el('span', 'cause', f.cause),
      ' ', el('span', 'muted', 'confidence ' + f.conf.toFixed(2) +
        (f.origin ? ' · origin ' + f.origin + (f.oconf !== undefined ? ' (' + f.oconf.toFixed(2) + ')' : '') : '') +
        ' · ' + f.kind));
    add(sec, h);
    var conn = el('div', 'conn');
    add(conn, el('code', null, f.client), ' → ', el('code', null, f.server), ' · ' + utc(f.t));
    if (f.fr.length > 0) add(conn, ' · ', el('span', 'frames', framesText(f.fr)));
    if (f.roles) add(conn, el('span', 'muted', ' (roles inferred from ' + f.roles + ')'));
    add(sec, conn);
    add(sec, el('p', 'summary', S(f.sum)));
    var next = el('p', 'next');
    add(next, el('b', null, 'Next step: '), S(f.next));
    add(sec, next);
    if (f.app && (f.app[0] !== null || f.app[1] !== null)) {
      var app = el('p', 'app' + (f.app[2] ? ' error' : ''));
      if (f.app[0] !== null) add(app, el('b', null, 'request: '), el('code', null, S(f.app[0])), ' ');
      if (f.app[1] !== null) add(app, el('b', null, 'answer: '), el('code', null, S(f.app[1])));
      add(sec, app);
    }
    if (f.single) {
      add(sec, el('p', 'muted', 'This capture alone said: origin ' + f.single[0] + ', cause ' + f.single[1] + ' (' + f.single[2].toFixed(2) + '); the other vantage points changed the verdict.'));
    }
    if (f.ev.length > 0) {
      add(sec, el('h4', null, 'Evidence'));
      var ul = el('ul', 'evidence');
      f.ev.forEach(function (e) {
        var li = el('li');
        add(li, el('code', 'signal', S(e[0])), ' ', S(e[1]));
        if (e[2].length > 0) add(li, ' ', el('span', 'frames', '[' + framesText(e[2]) + ']'));
        add(ul, li);
      });
      add(sec, ul);
    }
    if (f.tb) add(sec, traceback(f.tb));
    if (f.alt.length > 0) {
      add(sec, el('h4', null, 'Also considered'));
      var al = el('ul', 'alternatives');
      f.alt.forEach(function (a) { add(al, add(el('li'), el('code', null, a[0]), ' (' + a[1].toFixed(2) + '): ' + S(a[2]))); });
      add(sec, al);
    }
    if (f.rel && f.rel.length > 0) {
      var rel = el('p', 'related');
      add(rel, el('b', null, 'Groups findings: '));
      f.rel.slice(0, 200).forEach(function (id, n) { if (n > 0) add(rel, ' '); add(rel, findingLink(id)); });
      if (f.rel.length > 200) add(rel, ' … (' + f.rel.length + ' in all)');
      add(sec, rel);
    }
    if (f.det) {
      var dl = el('p', 'muted');
      add(dl, Object.keys(f.det).map(function (k) {
        var v = f.det[k];
        return k + ': ' + (typeof v === 'object' ? JSON.stringify(v) : String(v));
      }).join(' · '));
      add(sec, dl);
    }
    if (f.ld && f.ld.length > 0) {
      add(sec, el('h4', null, 'Ladder'));
      add(sec, ladder(f));
    }
    add(sec, toolsLine(f));
    return sec;
  }

  // The same packets in Wireshark (display filter syntax of wireshark-filter(4)) and as a file.
  function displayFilter(f) {
    var a = hostOf(f.client), b = hostOf(f.server), p = portOf(f.client), q = portOf(f.server);
    if (!p || !q) return '';
    var ip = a.indexOf(':') >= 0 ? 'ipv6.addr' : 'ip.addr';
    return ip + '==' + a + ' && ' + ip + '==' + b + ' && tcp.port==' + p + ' && tcp.port==' + q;
  }
  function shellWord(w) { return /^[A-Za-z0-9_.\/:@%+=,-]+$/.test(w) ? w : "'" + w.replace(/'/g, "'\\''") + "'"; }
  function toolsLine(f) {
    var box = el('p', 'tools muted');
    var filter = displayFilter(f);
    if (filter) add(box, 'Wireshark filter: ', el('code', 'wsfilter', filter), ' · ');
    var cmd = 'rstscope export ' + DATA.captures.map(function (c) { return shellWord(c.path); }).join(' ') +
      ' --finding ' + f.id + ' -w finding-' + f.id + (MULTI ? '.pcapng' : '.pcap');
    add(box, 'packets as a file: ', el('code', 'export', cmd));
    return box;
  }

  function traceback(tb) {
    var box = el('div', 'traceback');
    add(box, el('h4', null, 'Trace-back'));
    var dl = el('dl');
    function row(k, v) { add(dl, el('dt', null, k), el('dd', null, v)); }
    if (tb.trig) row('answers', 'frame ' + frameText(tb.trig[0]) + ' (' + tb.trig[1] + ' ' + tb.trig[2] + (tb.trig[3] > 0 ? ' ' + tb.trig[3] + ' B' : '') + ')' + (tb.match ? ' — ' + tb.match : ''));
    if (tb.req) {
      row('last request', 'frame ' + frameText(tb.req[0]) + ' ' + (tb.req[4] !== null ? S(tb.req[4]) : tb.req[1] + ' B') +
        ' — ' + (tb.req[2] ? 'acked by TCP' : 'not acked') + ', ' + (tb.req[3] ? 'answered' + (tb.resp ? ' at frame ' + frameText(tb.resp[0]) : '') : 'not answered'));
    }
    if (tb.resp && tb.resp[2] !== null) row('answer', 'frame ' + frameText(tb.resp[0]) + ' ' + S(tb.resp[2]));
    row('state', tb.state);
    row('silence before', tb.silence.toFixed(3) + ' s (idle ' + tb.idle.toFixed(3) + ' s)');
    if (tb.out[0] > 0 || tb.out[1] > 0) row('unacked', 'client→server ' + tb.out[0] + ' B, server→client ' + tb.out[1] + ' B');
    if (tb.rtx) row('retransmissions', tb.rtx[0] + ' sent seq ' + tb.rtx[1] + ' ' + tb.rtx[2] + '× (gaps ' + tb.rtx[3].map(function (s) { return s + ' s'; }).join(', ') + ')' + (tb.rtx[4] ? ', finally acked' : ', never acked'));
    add(box, dl);
    return box;
  }

  function ladder(f) {
    var rungs = f.ld.map(function (r) {
      var c = r.slice();
      c[9] = r[9] === null ? null : S(r[9]);
      return c;
    });
    var L = ladderLayout(rungs, f.origin === 'middlebox');
    var root = svg('svg', { class: 'ladder', viewBox: '0 0 ' + L.width + ' ' + L.height, width: L.width, height: L.height, role: 'img' });
    var title = svg('title', {});
    title.textContent = 'Ladder diagram of finding #' + f.id + ': ' + f.client + ' ↔ ' + f.server;
    root.appendChild(title);
    function text(x, y, s, attrs) {
      var t = svg('text', Object.assign({ x: x, y: y }, attrs || {}));
      t.textContent = s;
      root.appendChild(t);
      return t;
    }
    var lanes = [['client', L.lanes.client, f.client], ['server', L.lanes.server, f.server]];
    if (L.lanes.middle !== null) lanes.push(['middlebox', L.lanes.middle, 'path / middlebox']);
    lanes.forEach(function (ln) {
      root.appendChild(svg('line', { x1: ln[1], y1: L.top - 6, x2: ln[1], y2: L.height - 4, class: 'lane' + (ln[0] === 'middlebox' ? ' mid' : '') }));
      text(ln[1], 12, ln[0], { 'text-anchor': 'middle', class: 'lane-name' });
      text(ln[1], 25, ln[2], { 'text-anchor': 'middle', class: 'lane-addr' });
    });
    text(4, 12, 'frame', { class: 'lane-name' });
    text(60, 12, 'time', { class: 'lane-name' });
    L.rows.forEach(function (r) {
      if (r.kind === 'gap' || r.kind === 'spacer') {
        var g = svg('g', { class: r.kind });
        g.appendChild(svg('rect', { x: 0, y: r.y, width: L.width, height: r.height, class: 'band' }));
        var mid = r.y + r.height / 2;
        lanes.forEach(function (ln) {
          var x = ln[1];
          g.appendChild(svg('path', { d: 'M' + (x - 8) + ' ' + (mid - 2) + ' l5 -4 l6 8 l5 -4 M' + (x - 8) + ' ' + (mid + 3) + ' l5 -4 l6 8 l5 -4', class: 'break' }));
        });
        var t = svg('text', { x: (L.lanes.client + L.lanes.server) / 2, y: mid + 4, 'text-anchor': 'middle', class: 'band-label' });
        t.textContent = r.label;
        g.appendChild(t);
        root.appendChild(g);
        return;
      }
      var g2 = svg('g', { class: 'pkt' + (r.cls ? ' ' + r.cls : '') });
      var tip = svg('title', {});
      tip.textContent = r.title;
      g2.appendChild(tip);
      var ft = svg('text', { x: 4, y: r.y1 + 6, class: 'frame-no' });
      ft.textContent = frameText(r.frame);
      g2.appendChild(ft);
      var tt = svg('text', { x: 60, y: r.y1 + 6, class: 'time' });
      tt.textContent = r.time;
      g2.appendChild(tt);
      g2.appendChild(svg('line', { x1: r.x1, y1: r.y1, x2: r.x2, y2: r.y2, class: 'arrow' }));
      g2.appendChild(svg('polygon', { points: r.head, class: 'head' }));
      var cx = (r.x1 + r.x2) / 2;
      var lt = svg('text', { x: cx, y: r.y1 - 1 + (r.y2 - r.y1) / 2 - 4, 'text-anchor': 'middle', class: 'label' });
      lt.textContent = r.label;
      g2.appendChild(lt);
      if (r.app) {
        var at = svg('text', { x: cx, y: r.y2 + 12, 'text-anchor': 'middle', class: 'app' });
        // About 70 monospace characters fit between the lanes; the whole text is in the title.
        at.textContent = r.app.length > 70 ? r.app.slice(0, 69) + '…' : r.app;
        g2.appendChild(at);
      }
      root.appendChild(g2);
    });
    var wrap = el('div', 'ladder-wrap');
    wrap.appendChild(root);
    return wrap;
  }

  // ------------------------------------------------------------------ navigation
  function reveal(id) {
    var idx = byId.get(id);
    if (idx === undefined) return;
    var pos = shown.indexOf(idx);
    if (pos < 0) {
      clearFilters();
      pos = shown.indexOf(idx);
    }
    state.page = Math.floor(pos / PAGE_SIZE);
    renderPage();
    var node = $('finding-' + id);
    if (node) {
      node.scrollIntoView();
      node.classList.add('flash');
    }
    if (location.hash !== '#finding-' + id) history.replaceState(null, '', '#finding-' + id);
  }
  function clearFilters() {
    ['f-cause', 'f-sev', 'f-host', 'f-port', 'f-search'].forEach(function (id) { $(id).value = ''; });
    state.t0 = state.t1 = null;
    readFilters();
  }
  function readFilters() {
    state.cause = $('f-cause').value;
    state.sev = $('f-sev').value;
    state.host = $('f-host').value.trim();
    state.port = $('f-port').value.trim();
    state.q = $('f-search').value.trim().toLowerCase();
    applyFilters(false);
  }
  function fromHash() {
    var m = /^#finding-(\d+)$/.exec(location.hash);
    if (m) reveal(Number(m[1]));
  }

  var timer = 0;
  function later() { clearTimeout(timer); timer = setTimeout(readFilters, 120); }
  $('f-cause').addEventListener('change', readFilters);
  $('f-sev').addEventListener('change', readFilters);
  $('f-host').addEventListener('input', later);
  $('f-port').addEventListener('input', later);
  $('f-search').addEventListener('input', later);
  $('clear').addEventListener('click', clearFilters);
  $('time-clear').addEventListener('click', function () { state.t0 = state.t1 = null; applyFilters(false); });
  document.querySelectorAll('.prev').forEach(function (b) { b.addEventListener('click', function () { state.page--; renderPage(); $('filters').scrollIntoView(); }); });
  document.querySelectorAll('.next').forEach(function (b) { b.addEventListener('click', function () { state.page++; renderPage(); $('filters').scrollIntoView(); }); });
  var canvas = $('timeline');
  canvas.addEventListener('mousemove', function (evt) {
    if (!bins) return;
    var at = binAt(evt);
    var parts = SEVERITIES.map(function (s, k) { var c = bins.counts[k][at.b]; return c > 0 ? s + ' ' + c : ''; }).filter(Boolean);
    $('timeline-tip').textContent = utc(at.t0) + ' … ' + bins.total[at.b] + ' finding(s)' + (parts.length ? ': ' + parts.join(', ') : '') + ' — click to keep only this interval';
  });
  canvas.addEventListener('click', function (evt) {
    if (!bins) return;
    var at = binAt(evt);
    state.t0 = at.t0;
    state.t1 = at.t1;
    applyFilters(false);
  });
  var resizeTimer = 0;
  window.addEventListener('resize', function () { clearTimeout(resizeTimer); resizeTimer = setTimeout(drawTimeline, 100); });
  window.addEventListener('hashchange', fromHash);

  renderOverview();
  performance.mark('rstscope:overview');
  applyFilters(false);
  fromHash();
  performance.mark('rstscope:ready');
  document.body.dataset.ready = 'true';
}
})();
`;
