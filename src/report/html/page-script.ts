/**
 * The report page's script (runs in the browser, inlined in the HTML).
 *
 * Safety: every packet-derived string reaches the page through `textContent`, SVG text nodes or
 * `title` elements — never innerHTML, never an attribute that takes a URL or a script — so a
 * payload like `<img onerror=…>` is shown as the characters it is. The page's Content Security
 * Policy (render.ts) allows only this script and uPlot's (by hash) as a second line of defence.
 *
 * Scale: the data of every finding is parsed once; the overview counts and the timeline are
 * computed from it, and finding sections are built on demand, one page (PAGE_SIZE) at a time, so
 * 50,000 findings cost 50 sections of DOM, not 50,000. The timeline is a uPlot bar chart of
 * findings binned by time (timeline-bins.ts): a few hundred bars whatever the number of findings,
 * re-binned when a filter or the time window changes; clicking a bar or dragging across several
 * keeps only that interval, and the chart then shows it in finer bins.
 *
 * Written as plain browser JavaScript in a raw string (no backticks and no dollar-brace inside):
 * the project's TypeScript has no DOM types. render.ts prepends `ladderLayout`, `timelineBins`,
 * `patternDetails` and `sanitizeForTerminal` (pure functions shared with the unit tests and the
 * terminal report); uPlot is its own script.
 */
export const PAGE_SCRIPT = String.raw`
'use strict';
(function () {
  // The data block is gzip-compressed JSON in base64 (render.ts), inflated with the browser's
  // own DecompressionStream (Compression Streams standard): no library, no network.
  function loadData() {
    var node = document.getElementById('rstscope-data');
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
  var CAPTURE_COLOR = ['#1a56a8', '#0b6e4f', '#b45309', '#6b21a8', '#0e7490', '#9f1239'];
  performance.mark('rstscope:parsed');
  var STR = DATA.strings;
  var ALL = DATA.findings;
  var MULTI = DATA.captures.length > 1;
  var VANTAGES = DATA.captures.map(function (c) { return c.vantage; });
  var state = { cause: '', sev: '', host: '', port: '', q: '', t0: null, t1: null, page: 0 };
  var shown = [];
  var byId = new Map();
  var hay = null;
  var SEV_OF = new Uint8Array(ALL.length);

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
  // Packet- and user-derived text is shown as text (textContent), and its control characters
  // and bidi overrides as visible escapes, the same as on the terminal (sanitizeForTerminal,
  // embedded by render.ts): an ESC is invisible in a browser, but U+202E would reorder what the
  // reader sees ("txt.exe" for "exe.txt") in the page and in the window title.
  function visible(s) { return sanitizeForTerminal(s); }
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = visible(String(text));
    return e;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var c = arguments[i];
      if (c == null) continue;
      parent.appendChild(typeof c === 'string' ? document.createTextNode(visible(c)) : c);
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
  function baseName(p) {
    var i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
    return i >= 0 ? p.slice(i + 1) : p;
  }
  function vantageText(v) {
    return v === 'between' ? 'on the path' : v === 'client' || v === 'server' ? 'at the ' + v + ' side' : 'position unknown';
  }

  for (var i = 0; i < ALL.length; i++) {
    byId.set(ALL[i].id, i);
    SEV_OF[i] = Math.max(0, SEVERITIES.indexOf(ALL[i].sev));
  }

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

  // One row per value: the name (whole, wrapping if it must) and the count on one line, the bar
  // under them across the card, so long cause names and IPv6 addresses are never cut and a
  // six-digit count never leaves the card.
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
      b.title = visible('show only ' + r[0]);
      b.addEventListener('click', function () { onPick(r[0]); });
      var track = el('span', 'track');
      var fill = el('span', 'fill');
      fill.style.width = Math.max(2, Math.round((100 * r[1]) / max)) + '%';
      fill.style.background = colour ? colour(r[0]) : '#4a6fa5';
      add(name, b, add(track, fill));
      add(tr, name, el('td', 'num', r[1].toLocaleString('en-US')));
      add(t, tr);
    });
    if (rows.length === 0) add(box, el('p', 'muted', 'none'));
    else add(box, t);
    return box;
  }

  function renderOverview() {
    var names = DATA.captures.map(function (c) { return baseName(c.path); });
    document.title = visible('rstscope: ' + (names.length > 3 ? names.slice(0, 3).join(', ') + ' and ' + (names.length - 3) + ' more' : names.join(', ')));
    var caps = $('captures');
    DATA.captures.forEach(function (c) {
      var li = el('li');
      add(li, el('code', null, c.path), ' (' + c.format + (c.compression !== 'none' ? ', ' + c.compression : '') + ') — ' +
        c.packets.toLocaleString('en-US') + ' packets, ' + c.connections.toLocaleString('en-US') + ' TCP connections' +
        (c.firstTs !== null ? ', ' + utc(c.firstTs) + ' → ' + utc(c.lastTs) : '') +
        (c.vantage ? ', vantage: ' + c.vantage : '') +
        (c.clock ? ', clock offset ' + c.clock.offset + ' s ± ' + c.clock.uncertainty : ''));
      c.problems.forEach(function (p) { add(li, el('div', 'problem', 'problem at byte ' + p.offset + ': ' + p.message)); });
      if (MULTI) li.insertBefore(el('b', null, 'capture ' + c.index + ': '), li.firstChild);
      add(caps, li);
    });
    var kinds = countBy(function (f) { return f.kind; });
    var kindText = kinds.map(function (k) { return k[1].toLocaleString('en-US') + ' ' + k[0] + (k[1] === 1 ? '' : 's'); }).join(', ');
    var attention = ALL.filter(function (f) { return f.sev === 'problem' || f.sev === 'security'; }).length;
    $('totals').textContent = ALL.length.toLocaleString('en-US') + ' findings (' + (kindText || 'none') + '); ' + attention.toLocaleString('en-US') + ' need attention (problem or security).' +
      (DATA.omitted ? ' This report holds the first ' + ALL.length.toLocaleString('en-US') + ' findings, most severe first; ' + DATA.omitted.toLocaleString('en-US') + ' less severe ones are left out (rstscope explain --json has them all, or narrow with --cause, --host, --port, --since).' : '');
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

  // ------------------------------------------------------------------ timeline (uPlot)
  var span = null;
  var plot = null;
  var bins = null;
  var domain = null;
  var dragged = false;
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
  function binCount(width) { return Math.max(10, Math.min(1500, Math.floor(width / 3))); }
  function chartOptions(width) {
    var series = [{}];
    SEVERITIES.forEach(function (s) {
      series.push({
        label: s,
        fill: SEV_COLOR[s],
        stroke: SEV_COLOR[s],
        width: 0,
        points: { show: false },
        paths: uPlot.paths.bars({ size: [1, Infinity, 1], align: 0 }),
      });
    });
    return {
      width: width,
      height: 150,
      legend: { show: false },
      // Times on the axis in UTC, like every other time in the report.
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); },
      // A drag selects a range (setSelect hook) instead of zooming; uPlot's own handler would
      // swallow the click that ends any pointer movement, so ours decides (the dragged flag).
      cursor: { y: false, points: { show: false }, drag: { x: true, y: false, setScale: false, click: function () {} } },
      scales: {
        x: { time: true, range: function () { return [domain[0], domain[1]]; } },
        y: { range: function () { return [0, Math.max(1, bins ? bins.max : 1)]; } },
      },
      axes: [
        { stroke: '#555', space: 70, grid: { show: false }, ticks: { stroke: '#ccc' }, values: tickTexts },
        {
          stroke: '#555',
          // Wide enough for the longest count label ("20,000"): ~7 px a character plus the gap.
          size: function (u, values) {
            var w = 1;
            (values || []).forEach(function (v) { if (v.length > w) w = v.length; });
            return 16 + 7 * w;
          },
          grid: { stroke: '#eceff3' },
          ticks: { show: false },
          incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000],
          values: function (u, splits) { return splits.map(function (v) { return v.toLocaleString('en-US'); }); },
        },
      ],
      series: series,
      hooks: {
        setCursor: [function (u) { timelineTip(u.cursor.idx); }],
        setSelect: [function (u) {
          if (u.select.width < 3) return;
          var a = u.posToVal(u.select.left, 'x'), b = u.posToVal(u.select.left + u.select.width, 'x');
          dragged = true;
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          narrow(a, b);
        }],
      },
    };
  }
  // Tick labels in UTC, as precise as the tick spacing needs; the date under the first tick
  // and wherever the day changes.
  function tickTexts(u, splits, axisIdx, space, incr) {
    var lastDate = '';
    return splits.map(function (ts, k) {
      var s = utc(ts);
      var date = s.slice(0, 10), hms = s.slice(11, 19), ms = s.slice(20, 23);
      var t;
      if (incr >= 86400) return date;
      if (incr >= 60) t = s.slice(11, 16);
      else if (incr >= 1) t = hms;
      else t = k === 0 ? hms + '.' + ms : ':' + s.slice(17, 19) + '.' + ms;
      if (date !== lastDate) { t += '\n' + date; lastDate = date; }
      return t;
    });
  }
  function drawTimeline() {
    if (span === null) span = timeSpan();
    domain = state.t0 !== null ? [state.t0, state.t1] : span;
    var box = $('timeline');
    var width = Math.max(300, box.clientWidth || 800);
    var times = new Float64Array(shown.length);
    var levels = new Uint8Array(shown.length);
    for (var j = 0; j < shown.length; j++) { times[j] = ALL[shown[j]].t; levels[j] = SEV_OF[shown[j]]; }
    bins = timelineBins(times, levels, domain[0], domain[1], binCount(width), SEVERITIES.length);
    var data = [bins.x].concat(bins.stacked);
    if (plot === null) {
      plot = new uPlot(chartOptions(width), data, box);
      plot.over.addEventListener('click', function (evt) {
        if (dragged) { dragged = false; return; }
        // The bar under the pointer, from the click's own position (the cursor state may lag).
        var t = plot.posToVal(evt.clientX - plot.over.getBoundingClientRect().left, 'x');
        var i = Math.min(bins.x.length - 1, Math.max(0, Math.floor((t - domain[0]) / bins.width)));
        if (bins.total[i] === 0) return;
        var t0 = domain[0] + i * bins.width;
        narrow(t0, t0 + bins.width);
      });
      plot.over.addEventListener('mouseleave', function () { timelineTip(null); });
    } else {
      if (plot.width !== width) plot.setSize({ width: width, height: 150 });
      plot.setData(data);
    }
    $('timeline-scale').textContent = 'one bar: ' + duration(bins.width) + ' · highest: ' + bins.max.toLocaleString('en-US');
    box.dataset.bins = String(bins.x.length);
  }
  function narrow(a, b) {
    state.t0 = Math.max(a, domain[0]);
    state.t1 = Math.min(b, domain[1]);
    applyFilters(false);
  }
  function duration(s) {
    if (s >= 3600) return (s / 3600).toFixed(2) + ' h';
    if (s >= 60) return (s / 60).toFixed(1) + ' min';
    if (s >= 1) return s.toFixed(2) + ' s';
    if (s >= 0.001) return (s * 1000).toFixed(2) + ' ms';
    return Math.max(1, Math.round(s * 1e6)) + ' µs';
  }
  function timelineTip(i) {
    var tip = $('timeline-tip');
    if (i == null || !bins) { tip.textContent = 'Click a bar to keep only its interval, or drag across several.'; return; }
    var t0 = domain[0] + i * bins.width;
    var parts = SEVERITIES.map(function (s, k) { var c = bins.counts[k][i]; return c > 0 ? s + ' ' + c : ''; }).filter(Boolean);
    tip.textContent = utc(t0) + ' + ' + duration(bins.width) + ': ' + bins.total[i] + ' finding(s)' + (parts.length ? ' (' + parts.join(', ') + ')' : '') +
      (bins.total[i] > 0 ? ' — click to keep only this interval' : '');
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
    if (f.det) add(sec, detailsBox(f));
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
    if (f.ld && f.ld.length > 0) {
      add(sec, el('h4', null, 'Ladder'));
      add(sec, ladder(f));
    } else if (f.kind === 'failure') {
      add(sec, el('h4', null, 'Ladder'));
      add(sec, el('p', 'muted no-ladder', 'No ladder: the analysis kept no packet list for this failure' +
        (f.fr.length > 0 ? '; its packets are ' + framesText(f.fr) + ' (the Wireshark filter or the export command below shows them all).' : '.')));
    }
    add(sec, toolsLine(f));
    return sec;
  }

  function detailsBox(f) {
    var box = el('div', 'details');
    add(box, el('h4', null, f.kind === 'pattern' ? 'Pattern' : 'Details'));
    var dl = el('dl');
    patternDetails(f.cause, f.det).forEach(function (row) { add(dl, el('dt', null, row[0]), el('dd', null, row[1])); });
    add(box, dl);
    return box;
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

  // ------------------------------------------------------------------ ladder diagram
  // Causes where a device on the path answers in the server's place: the packet it answered
  // stops at the middle line (a reject rule, or a firewall/NAT that forgot an idle connection).
  var ANSWERED_BY_DEVICE = { 'firewall-reject': 1, 'middlebox-idle-timeout': 1 };
  function ladderContext(f) {
    var device = f.origin === 'middlebox' || f.cause === 'firewall-reject' || f.cause.indexOf('middlebox-') === 0;
    var stop = f.origin === 'middlebox' && ANSWERED_BY_DEVICE[f.cause] && f.tb && f.tb.trig ? f.tb.trig[0] : null;
    return { origin: f.origin || null, device: device, stopAtMiddle: stop, vantages: VANTAGES, covering: covering(f) };
  }
  // Captures recording (on the common clock: clock.offset) over the whole of this ladder, give
  // or take a second: a capture at the receiver starts one transit later than the sender's
  // first packet, and a capture cut just before the last packet still watched the rest.
  function covering(f) {
    var a = f.t + f.ld[0][1] / 1e6, b = f.t + f.ld[f.ld.length - 1][1] / 1e6;
    var out = [];
    DATA.captures.forEach(function (c) {
      if (c.firstTs === null || c.lastTs === null) return;
      var off = c.clock ? c.clock.offset : 0;
      if (c.firstTs + off <= a + 1 && c.lastTs + off >= b - 1) out.push(c.index);
    });
    return out;
  }
  function ladder(f) {
    var rungs = f.ld.map(function (r) {
      var c = r.slice();
      c[9] = r[9] === null ? null : S(r[9]);
      return c;
    });
    var L = ladderLayout(rungs, ladderContext(f));
    var root = svg('svg', { class: 'ladder', viewBox: '0 0 ' + L.width + ' ' + L.height, width: L.width, height: L.height, role: 'img' });
    var title = svg('title', {});
    title.textContent = visible('Ladder diagram of finding #' + f.id + ': ' + f.client + ' ↔ ' + f.server);
    root.appendChild(title);
    function text(x, y, s, attrs) {
      var t = svg('text', Object.assign({ x: x, y: y }, attrs || {}));
      t.textContent = visible(s);
      root.appendChild(t);
      return t;
    }
    var lanes = [['client', L.lanes.client, f.client], ['server', L.lanes.server, f.server]];
    if (L.lanes.middle !== null) lanes.push([L.middleName, L.lanes.middle, L.middleName === 'middlebox' ? 'device on the path' : 'network between the captures']);
    lanes.forEach(function (ln, k) {
      root.appendChild(svg('line', { x1: ln[1], y1: L.top - 6, x2: ln[1], y2: L.height - 4, class: 'lane' + (k === 2 ? ' mid' : '') }));
      text(ln[1], 12, ln[0], { 'text-anchor': 'middle', class: 'lane-name' });
      text(ln[1], 25, ln[2], { 'text-anchor': 'middle', class: 'lane-addr' });
    });
    text(4, 12, 'frame', { class: 'lane-name' });
    text(60, 12, 'time', { class: 'lane-name' });
    // Vantage points: a numbered tap at the top of each capture's position; a dotted guide down
    // the diagram when it is not on a lane.
    L.taps.forEach(function (t) {
      var colour = CAPTURE_COLOR[t.capture % CAPTURE_COLOR.length];
      var onLane = t.x === L.lanes.client || t.x === L.lanes.server || t.x === L.lanes.middle;
      var g = svg('g', { class: 'tap' });
      var tip = svg('title', {});
      tip.textContent = visible('capture ' + t.capture + ' (' + baseName(DATA.captures[t.capture].path) + '), ' + vantageText(t.vantage));
      g.appendChild(tip);
      if (!onLane) g.appendChild(svg('line', { x1: t.x, y1: 44, x2: t.x, y2: L.height - 4, class: 'tap-guide', stroke: colour }));
      g.appendChild(svg('rect', { x: t.x - 9, y: 31, width: 18, height: 13, rx: 3, fill: colour }));
      var n = svg('text', { x: t.x, y: 41, 'text-anchor': 'middle', class: 'tap-no' });
      n.textContent = String(t.capture);
      g.appendChild(n);
      root.appendChild(g);
    });
    L.rows.forEach(function (r) {
      if (r.kind === 'gap' || r.kind === 'spacer') {
        var g = svg('g', { class: r.kind });
        g.appendChild(svg('rect', { x: 0, y: r.y, width: L.width, height: r.height, class: 'band' }));
        var mid = r.y + r.height / 2;
        // Break marks on the endpoint lines; the middle line has the band's label on it.
        lanes.slice(0, 2).forEach(function (ln) {
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
      tip.textContent = visible(r.title);
      g2.appendChild(tip);
      var ft = svg('text', { x: 4, y: r.y1 + 4, class: 'frame-no' });
      ft.textContent = frameText(r.frame);
      g2.appendChild(ft);
      var tt = svg('text', { x: 60, y: r.y1 + 4, class: 'time' });
      tt.textContent = r.time;
      g2.appendChild(tt);
      g2.appendChild(svg('line', { x1: r.x1, y1: r.y1, x2: r.x2, y2: r.y2, class: 'arrow' }));
      if (r.head) g2.appendChild(svg('polygon', { points: r.head, class: 'head' }));
      if (r.stopped) g2.appendChild(svg('line', { x1: r.x2, y1: r.y2 - 7, x2: r.x2, y2: r.y2 + 7, class: 'stop' }));
      if (r.lostAt) {
        var lx = r.lostAt[0], ly = r.lostAt[1];
        g2.appendChild(svg('path', { d: 'M' + (lx - 5) + ' ' + (ly - 5) + ' l10 10 M' + (lx - 5) + ' ' + (ly + 5) + ' l10 -10', class: 'lost-mark' }));
      }
      if (r.born) g2.appendChild(svg('circle', { cx: r.x1, cy: r.y1, r: 4, class: 'born' }));
      r.seen.forEach(function (s) {
        g2.appendChild(svg('circle', { cx: s[0], cy: s[1], r: 3.2, class: 'seen', fill: CAPTURE_COLOR[s[2] % CAPTURE_COLOR.length] }));
      });
      var lt = svg('text', { x: r.labelX, y: r.labelY, 'text-anchor': r.anchor, class: 'label' });
      lt.textContent = r.label;
      g2.appendChild(lt);
      if (r.app) {
        var at = svg('text', { x: r.labelX, y: r.appY, 'text-anchor': r.anchor, class: 'app' });
        // About 70 monospace characters fit between the lanes; the whole text is in the title.
        var appText = visible(r.app);
        at.textContent = appText.length > 70 ? appText.slice(0, 69) + '…' : appText;
        g2.appendChild(at);
      }
      root.appendChild(g2);
    });
    var wrap = el('div', 'ladder-wrap');
    wrap.appendChild(root);
    var key = ladderKey(L);
    if (key) add(wrap, key);
    return wrap;
  }
  // What the marks mean, under the diagram, only for the marks it uses.
  function ladderKey(L) {
    var parts = [];
    L.taps.forEach(function (t) {
      var s = el('span', 'key-tap');
      var sw = el('span', 'swatch');
      sw.style.background = CAPTURE_COLOR[t.capture % CAPTURE_COLOR.length];
      add(s, sw, 'capture ' + t.capture + ' ' + vantageText(t.vantage));
      parts.push(s);
    });
    if (L.taps.length > 0) parts.push('a dot: that capture saw the packet');
    var lost = false, stopped = false, bornMid = false;
    L.rows.forEach(function (r) {
      if (r.kind !== 'packet') return;
      if (r.lostAt) lost = true;
      if (r.stopped) stopped = true;
      if (r.born) bornMid = true;
    });
    if (lost) parts.push('✕: lost — no capture beyond this point saw it');
    if (stopped) parts.push('arrow ending on the middle line: answered by the device, not by the server');
    if (bornMid) parts.push('red dot on the middle line: where the reset was born');
    if (parts.length === 0) return null;
    var p = el('p', 'ladder-key muted');
    parts.forEach(function (x, n) { if (n > 0) add(p, ' · '); add(p, x); });
    return p;
  }

  // ------------------------------------------------------------------ navigation
  // The filter bar is sticky: a finding scrolled to must land below it, whatever its height
  // (it wraps on narrow windows). CSS scroll-margin-top reads this variable.
  function trackStickyHeight() {
    var bar = $('filters');
    function update() { document.documentElement.style.setProperty('--sticky-h', bar.offsetHeight + 'px'); }
    update();
    if (typeof ResizeObserver === 'function') new ResizeObserver(update).observe(bar);
  }
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
  function toFindings() { $('findings-title').scrollIntoView(); }

  var timer = 0;
  function later() { clearTimeout(timer); timer = setTimeout(readFilters, 120); }
  $('f-cause').addEventListener('change', readFilters);
  $('f-sev').addEventListener('change', readFilters);
  $('f-host').addEventListener('input', later);
  $('f-port').addEventListener('input', later);
  $('f-search').addEventListener('input', later);
  $('clear').addEventListener('click', clearFilters);
  $('time-clear').addEventListener('click', function () { state.t0 = state.t1 = null; applyFilters(false); });
  document.querySelectorAll('.prev').forEach(function (b) { b.addEventListener('click', function () { state.page--; renderPage(); toFindings(); }); });
  document.querySelectorAll('.next').forEach(function (b) { b.addEventListener('click', function () { state.page++; renderPage(); toFindings(); }); });
  var resizeTimer = 0;
  window.addEventListener('resize', function () { clearTimeout(resizeTimer); resizeTimer = setTimeout(drawTimeline, 100); });
  window.addEventListener('hashchange', fromHash);

  renderOverview();
  trackStickyHeight();
  performance.mark('rstscope:overview');
  applyFilters(false);
  timelineTip(null);
  fromHash();
  performance.mark('rstscope:ready');
  document.body.dataset.ready = 'true';
}
})();
`;
