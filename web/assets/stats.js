// The statistics screen, #/stats?from=&to=: a period form, the totals,
// charts drawn as inline SVG (bars for category, unit and clerk; columns
// for months and pages per day), each in a <figure> with its numbers in a
// table beside it, the review backlog, and dossier completeness from
// /api/missing.  SVG is built with createElementNS; text goes in as text.
'use strict';
(function () {
  const D = window.D;
  const SVG = 'http://www.w3.org/2000/svg';
  const DATE = /^\d{4}-\d{2}-\d{2}$/;
  // A real calendar day written YYYY-MM-DD.
  function isDay(v) {
    if (!DATE.test(v)) return false;
    const d = new Date(v + 'T00:00:00Z');
    return !isNaN(d) && d.toISOString().slice(0, 10) === v;
  }
  const SERIES = [
    { field: 'documents', label: 'Documents', cls: 'rp-s-docs' },
    { field: 'pages', label: 'Pages', cls: 'rp-s-pages' }];
  let focusResults = false;

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const k in attrs) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  const fmt = new Intl.NumberFormat('en');
  function num(n) {
    if (typeof n !== 'number' || !isFinite(n)) return '–';
    return Number.isInteger(n) ? fmt.format(n) : n.toFixed(1);
  }

  // A value axis for counts: a whole step of 1, 2 or 5 x 10^k giving about
  // four ticks, and the top tick at or above max.
  function axis(max) {
    const raw = Math.max(max, 1) / 4;
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = Math.max(1, [1, 2, 5, 10].map((m) => m * p).find((x) => x >= raw));
    return { step, top: step * Math.max(1, Math.ceil(max / step)) };
  }

  // Cuts a label to fit px pixels of chart text; the table has it all.
  let measure = null;
  function cut(s, px) {
    s = String(s);
    if (!measure) {
      measure = document.createElement('canvas').getContext('2d');
      if (measure) measure.font = '13px ' + getComputedStyle(document.body).fontFamily;
    }
    const width = (t) => measure ? measure.measureText(t).width : t.length * 7.5;
    if (width(s) <= px) return s;
    let n = s.length;
    while (n > 1 && width(s.slice(0, n) + '…') > px) n--;
    return s.slice(0, n) + '…';
  }

  function legend(series) {
    const ul = D.el('ul', 'rp-legend');
    ul.setAttribute('aria-hidden', 'true');
    for (const s of series) {
      const li = D.el('li');
      li.appendChild(D.el('span', 'rp-swatch ' + s.cls));
      li.appendChild(document.createTextNode(s.label));
      ul.appendChild(li);
    }
    return ul;
  }

  // Horizontal bars, one group per row, one bar per series.
  function barChart(rows, series, title) {
    const W = 560, labelW = 150, valueW = 52, bar = 12, gap = 3, pad = 10;
    const rowH = series.length * bar + (series.length - 1) * gap + 2 * pad;
    const H = rows.length * rowH + 4;
    const max = Math.max(1, ...rows.flatMap((r) => series.map((s) => r[s.field] || 0)));
    const plot = W - labelW - valueW;
    const g = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: 'rp-chart',
      role: 'img', 'aria-label': title + '; the numbers are in the table beside it' });
    g.appendChild(svg('line', { x1: labelW, y1: 0, x2: labelW, y2: H, class: 'rp-axis' }));
    rows.forEach((r, i) => {
      const y0 = i * rowH + pad;
      const label = svg('text', { x: labelW - 8, y: i * rowH + rowH / 2, class: 'rp-label',
        'text-anchor': 'end', 'dominant-baseline': 'middle' }, cut(r.key, labelW - 14));
      label.appendChild(svg('title', {}, r.key));
      g.appendChild(label);
      series.forEach((s, j) => {
        const v = r[s.field] || 0;
        const y = y0 + j * (bar + gap);
        const w = v > 0 ? Math.max(2, (v / max) * plot) : 0;
        const rect = svg('rect', { x: labelW, y, width: w, height: bar, class: s.cls });
        rect.appendChild(svg('title', {}, `${r.key}: ${num(v)} ${s.label.toLowerCase()}`));
        g.appendChild(rect);
        g.appendChild(svg('text', { x: labelW + w + 4, y: y + bar / 2, class: 'rp-value',
          'dominant-baseline': 'middle' }, num(v)));
      });
    });
    return g;
  }

  // Columns over time with a value axis; labels thinned when crowded.
  function columnChart(rows, series, title, labelOf) {
    const W = 560, H = 240, left = 44, right = 8, top = 12, bottom = 40;
    const plotW = W - left - right, plotH = H - top - bottom;
    const ax = axis(Math.max(0, ...rows.flatMap((r) => series.map((s) => r[s.field] || 0))));
    const max = ax.top;
    const slot = plotW / rows.length;
    const inner = Math.min(slot * 0.8, 48);
    const colW = inner / series.length;
    const g = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: 'rp-chart',
      role: 'img', 'aria-label': title + '; the numbers are in the table beside it' });
    for (let v = 0; v <= max; v += ax.step) {
      const y = top + plotH - (v / max) * plotH;
      g.appendChild(svg('line', { x1: left, y1: y, x2: W - right, y2: y, class: v ? 'rp-grid' : 'rp-axis' }));
      g.appendChild(svg('text', { x: left - 6, y, class: 'rp-tick', 'text-anchor': 'end',
        'dominant-baseline': 'middle' }, num(v)));
    }
    const labelEvery = Math.max(1, Math.ceil(64 / slot));
    const showValues = series.length * rows.length <= 24;
    rows.forEach((r, i) => {
      const x0 = left + i * slot + (slot - inner) / 2;
      series.forEach((s, j) => {
        const v = r[s.field] || 0;
        const h = (v / max) * plotH;
        const x = x0 + j * colW;
        const rect = svg('rect', { x, y: top + plotH - h, width: Math.max(1, colW - (series.length > 1 ? 1 : 0)),
          height: h, class: s.cls });
        rect.appendChild(svg('title', {}, `${r.key}: ${num(v)} ${s.label.toLowerCase()}`));
        g.appendChild(rect);
        if (showValues && v > 0)
          g.appendChild(svg('text', { x: x + colW / 2, y: top + plotH - h - 3, class: 'rp-value',
            'text-anchor': 'middle' }, num(v)));
      });
      if (i % labelEvery === 0)
        g.appendChild(svg('text', { x: left + i * slot + slot / 2, y: H - bottom + 16, class: 'rp-label',
          'text-anchor': 'middle' }, labelOf(r.key)));
    });
    return g;
  }

  // The numbers of a chart as a table; big ones scroll in their box.
  function numbersTable(rows, keyHead, cols, caption) {
    const box = D.el('div', 'rp-numbers');
    const table = D.el('table', 'rp-table');
    table.appendChild(D.el('caption', 'rp-sr', caption));
    const thead = D.el('thead');
    const hr = D.el('tr');
    const th0 = D.el('th', null, keyHead);
    th0.scope = 'col';
    hr.appendChild(th0);
    for (const c of cols) {
      const th = D.el('th', 'rp-num', c.label);
      th.scope = 'col';
      hr.appendChild(th);
    }
    thead.appendChild(hr);
    const tbody = D.el('tbody');
    let sums = cols.map(() => 0);
    for (const r of rows) {
      const tr = D.el('tr');
      const th = D.el('th', null, r.key);
      th.scope = 'row';
      tr.appendChild(th);
      cols.forEach((c, i) => {
        tr.appendChild(D.el('td', 'rp-num', num(r[c.field])));
        if (c.sum) sums[i] += r[c.field] || 0;
      });
      tbody.appendChild(tr);
    }
    table.append(thead, tbody);
    if (rows.length > 1 && cols.some((c) => c.sum)) {
      const tf = D.el('tfoot');
      const tr = D.el('tr');
      const th = D.el('th', null, 'Total');
      th.scope = 'row';
      tr.appendChild(th);
      cols.forEach((c, i) => tr.appendChild(D.el('td', 'rp-num', c.sum ? num(sums[i]) : '')));
      tf.appendChild(tr);
      table.appendChild(tf);
    }
    box.appendChild(table);
    if (rows.length > 12) {
      // Scrollable: reachable and named for the keyboard.
      box.classList.add('rp-scroll');
      box.tabIndex = 0;
      box.setAttribute('role', 'region');
      box.setAttribute('aria-label', caption + ' (scrolls)');
    }
    return box;
  }

  // One chart and its table, or a sentence when there is nothing to draw.
  function figure(title, rows, opts) {
    const fig = D.el('figure', 'rp-figure');
    const cap = D.el('figcaption', null, title);
    fig.appendChild(cap);
    if (!Array.isArray(rows) || rows.length === 0) {
      fig.appendChild(D.el('p', 'rp-empty', 'Nothing was filed in this period.'));
      return fig;
    }
    const body = D.el('div', 'rp-figbody');
    const chartBox = D.el('div', 'rp-chartbox');
    chartBox.appendChild(legend(opts.series));
    chartBox.appendChild(opts.kind === 'columns'
      ? columnChart(rows, opts.series, title, opts.labelOf || String)
      : barChart(rows, opts.series, title));
    body.appendChild(chartBox);
    body.appendChild(numbersTable(rows, opts.keyHead,
      SERIES.map((s) => ({ field: s.field, label: s.label, sum: true })), title));
    fig.appendChild(body);
    return fig;
  }

  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  function monthLabel(key) {
    const m = /^(\d{4})-(\d{2})$/.exec(key);
    return m ? MONTHS[+m[2] - 1] + ' ' + m[1] : String(key);
  }
  function dayLabel(key) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
    return m ? +m[3] + ' ' + MONTHS[+m[2] - 1] : String(key);
  }

  function iso(d) {
    const p = (n) => String(n).padStart(2, '0');
    return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate());
  }

  function periodLinks(current) {
    const now = new Date();
    const y = now.getFullYear(), m = now.getMonth();
    const presets = [
      ['This month', iso(new Date(y, m, 1)), iso(now)],
      ['Last month', iso(new Date(y, m - 1, 1)), iso(new Date(y, m, 0))],
      ['Last 12 months', iso(new Date(y - 1, m, now.getDate() + 1)), iso(now)],
      ['This year', iso(new Date(y, 0, 1)), iso(now)],
      ['All time', '', '']];
    const nav = D.el('p', 'rp-presets');
    nav.appendChild(document.createTextNode('Quick periods: '));
    presets.forEach(([label, f, t], i) => {
      const q = new URLSearchParams();
      if (f) q.set('from', f);
      if (t) q.set('to', t);
      const a = D.el('a', null, label);
      const s = q.toString();
      a.href = '#/stats' + (s ? '?' + s : '');
      if (current.from === f && current.to === t) a.setAttribute('aria-current', 'true');
      a.addEventListener('click', () => { focusResults = true; });
      if (i) nav.appendChild(document.createTextNode(' · '));
      nav.appendChild(a);
    });
    return nav;
  }

  function describePeriod(from, to) {
    if (from && to) return 'from ' + from + ' to ' + to;
    if (from) return 'from ' + from + ' on';
    if (to) return 'up to ' + to;
    return 'for all time';
  }

  function totalsList(t) {
    const dl = D.el('dl', 'rp-totals');
    const items = [
      ['Documents', t.documents], ['Pages', t.pages], ['Customers', t.customers],
      ['Scanning days', t.scanning_days], ['Pages per scanning day', t.pages_per_scanning_day]];
    for (const [label, v] of items) {
      const div = D.el('div');
      div.append(D.el('dt', null, label), D.el('dd', null, num(v)));
      dl.appendChild(div);
    }
    dl.appendChild(backlog(t));
    return dl;
  }

  // The review backlog is about now, whatever the period.
  function backlog(t) {
    const div = D.el('div', 'rp-backlog');
    div.appendChild(D.el('dt', null, 'Waiting for review'));
    const n = t.review_backlog || 0;
    div.appendChild(D.el('dd', null, num(n)));
    const oldest = t.oldest_in_review || t.oldest_review || null;
    const note = D.el('dd', 'rp-note-small');
    if (n === 0) note.textContent = 'right now';
    else note.textContent = oldest ? 'right now; oldest since ' + String(oldest).slice(0, 10) : 'right now';
    if (n > 0 && D.may('review')) {
      if (note.textContent) note.appendChild(document.createTextNode(' · '));
      const a = D.el('a', null, 'review queue');
      a.href = '#/review';
      note.appendChild(a);
    }
    if (note.textContent) div.appendChild(note);
    return div;
  }

  // Month keys (YYYY-MM) in words, runs of consecutive months as ranges:
  // "May 2026 to Oct 2026", "Jan 2025, Mar 2025".
  function monthRuns(keys) {
    const idx = (k) => { const m = /^(\d{4})-(\d{2})$/.exec(k); return m ? +m[1] * 12 + (+m[2] - 1) : NaN; };
    const sorted = keys.slice().sort();
    const runs = [];
    for (const k of sorted) {
      const last = runs[runs.length - 1];
      if (last && idx(k) === idx(last[1]) + 1) last[1] = k; else runs.push([k, k]);
    }
    return runs.map(([a, b]) => a === b ? monthLabel(a) : monthLabel(a) + ' to ' + monthLabel(b)).join(', ');
  }

  // One missing item in words: "Account statements (none for May 2026 to
  // Oct 2026)", "Signatures (has 1 of 2, 1 waiting for review)".
  function missingText(m) {
    let s = m.label || ((m.category || '') + ' ' + (m.doc_type || '')).trim() || 'an item';
    const bits = [];
    if (Array.isArray(m.months) && m.months.length) bits.push('none for ' + monthRuns(m.months));
    else if (typeof m.need === 'number' && m.need > 1) bits.push('has ' + (m.have || 0) + ' of ' + m.need);
    else if (!m.have) bits.push('none filed');
    if (typeof m.months === 'number' && m.months > 0) bits.push('within the last ' + m.months + ' months');
    if (m.in_review) bits.push(m.in_review + ' waiting for review');
    if (bits.length) s += ' (' + bits.join(', ') + ')';
    return s;
  }

  function completeness(miss) {
    const sec = D.el('section', 'rp-section');
    sec.setAttribute('aria-labelledby', 'stats-complete');
    const h = D.el('h3', null, 'Dossier completeness');
    h.id = 'stats-complete';
    sec.appendChild(h);
    const checked = miss.checked || 0, complete = miss.complete || 0;
    const p = D.el('p', 'rp-complete-line');
    if (checked === 0) {
      p.textContent = 'No customer dossiers were checked (no customers are on file, or none is within what you may read).';
      sec.appendChild(p);
      return sec;
    }
    p.appendChild(D.el('strong', null, num(complete) + ' of ' + num(checked)));
    p.appendChild(document.createTextNode(' dossiers complete' +
      (miss.as_of ? ' as of ' + miss.as_of : '') + '.'));
    sec.appendChild(p);
    const meter = D.el('div', 'rp-meter');
    meter.setAttribute('aria-hidden', 'true');
    const fill = D.el('div', 'rp-meter-fill');
    fill.style.width = Math.round((complete / checked) * 100) + '%';
    meter.appendChild(fill);
    sec.appendChild(meter);

    const list = (miss.customers || []).filter((c) => c.complete !== true && (c.missing || []).length);
    if (list.length === 0) return sec;
    sec.appendChild(D.el('h4', null, list.length === 1 ? 'The incomplete dossier' : 'The ' + list.length + ' incomplete dossiers'));
    const ul = D.el('ul', 'rp-incomplete');
    for (const c of list) {
      const li = D.el('li');
      const head = D.el('p', 'rp-cust');
      const a = D.el('a', null, c.number);
      a.href = '#/customer/' + encodeURIComponent(c.number);
      head.appendChild(a);
      if (c.name) head.appendChild(document.createTextNode(' ' + c.name));
      const meta = [c.type, c.unit].filter(Boolean).join(', ');
      if (meta) head.appendChild(D.el('span', 'rp-meta', ' (' + meta + ')'));
      li.appendChild(head);
      const lack = D.el('p', 'rp-lacks');
      const n = c.missing.length;
      lack.appendChild(D.el('span', 'rp-lacks-head',
        'Lacks ' + n + (typeof c.required === 'number' ? ' of ' + c.required : '') + ': '));
      lack.appendChild(document.createTextNode(c.missing.map(missingText).join('; ') + '.'));
      li.appendChild(lack);
      ul.appendChild(li);
    }
    sec.appendChild(ul);
    return sec;
  }

  function perClerkDay(rows) {
    const det = D.el('details', 'rp-details');
    det.appendChild(D.el('summary', null, 'Per clerk and day (' + rows.length + (rows.length === 1 ? ' row)' : ' rows)')));
    const table = D.el('table', 'rp-table');
    table.appendChild(D.el('caption', 'rp-sr', 'Documents and pages per clerk and day'));
    const hr = D.el('tr');
    for (const [h, cls] of [['Day', null], ['Clerk', null], ['Documents', 'rp-num'], ['Pages', 'rp-num']]) {
      const th = D.el('th', cls, h);
      th.scope = 'col';
      hr.appendChild(th);
    }
    const thead = D.el('thead');
    thead.appendChild(hr);
    const tbody = D.el('tbody');
    for (const r of rows) {
      const tr = D.el('tr');
      tr.append(D.el('td', null, r.key), D.el('td', null, r.clerk),
        D.el('td', 'rp-num', num(r.documents)), D.el('td', 'rp-num', num(r.pages)));
      tbody.appendChild(tr);
    }
    table.append(thead, tbody);
    const box = D.el('div', 'rp-tablewrap');
    box.appendChild(table);
    det.appendChild(box);
    return det;
  }

  function plainError(e, what) {
    if (e.status === 403) return 'Your role may not see ' + what + '.';
    if (e.status === 400) return 'The archive did not accept the period: ' + e.message + '.';
    return what.charAt(0).toUpperCase() + what.slice(1) + ' could not be loaded: ' + e.message;
  }

  async function render(view, route) {
    const root = D.el('div', 'rp-screen rp-stats');
    view.appendChild(root);
    root.appendChild(D.el('h2', null, 'Statistics'));
    if (!D.may('report')) {
      root.appendChild(D.status('Your role may not see the statistics.', true));
      return;
    }
    const from = (route.params.get('from') || '').trim();
    const to = (route.params.get('to') || '').trim();

    const form = D.el('form', 'rp-filters');
    form.setAttribute('aria-label', 'Period');
    const fields = D.el('div', 'rp-fields');
    const mk = (id, label, value, hint) => {
      const box = D.el('div', 'rp-field rp-field-date');
      const l = D.el('label', null, label);
      l.htmlFor = id;
      const i = D.el('input');
      i.type = 'date'; i.id = id; i.name = id.replace(/^stats-/, ''); i.value = isDay(value) ? value : '';
      box.append(l, i);
      if (hint) {
        const hs = D.el('span', 'rp-hint', hint);
        hs.id = id + '-hint';
        i.setAttribute('aria-describedby', hs.id);
        box.appendChild(hs);
      }
      return [box, i];
    };
    const [fromBox, fromIn] = mk('stats-from', 'From date', from, 'empty: from the start');
    const [toBox, toIn] = mk('stats-to', 'To date', to, 'included; empty: up to today');
    const buttons = D.el('div', 'rp-buttons');
    const go = D.el('button', null, 'Show period');
    go.type = 'submit';
    buttons.appendChild(go);
    fields.append(fromBox, toBox, buttons);
    form.appendChild(fields);
    root.appendChild(form);
    root.appendChild(periodLinks({ from, to }));
    const formStatus = D.el('div', 'rp-form-status');
    root.appendChild(formStatus);

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      for (const [inp, which] of [[fromIn, 'from'], [toIn, 'to']]) {
        if (inp.validity.badInput) {
          formStatus.replaceChildren(D.status('The ' + which + ' date is incomplete; give day, month and year, or clear it.', true));
          inp.focus();
          return;
        }
      }
      if (fromIn.value && toIn.value && fromIn.value > toIn.value) {
        formStatus.replaceChildren(D.status('The from date is after the to date.', true));
        fromIn.focus();
        return;
      }
      const q = new URLSearchParams();
      if (fromIn.value) q.set('from', fromIn.value);
      if (toIn.value) q.set('to', toIn.value);
      const s = q.toString();
      focusResults = true;
      D.go('#/stats' + (s ? '?' + s : ''));
    });

    if ((from && !isDay(from)) || (to && !isDay(to))) {
      formStatus.replaceChildren(D.status('The address holds a date that is not a real day; dates are written YYYY-MM-DD, such as 2024-03-31.', true));
      return;
    }
    if (from && to && from > to) {
      formStatus.replaceChildren(D.status('The from date is after the to date.', true));
      return;
    }

    const summary = D.el('p', 'rp-summary', 'Counting…');
    summary.tabIndex = -1;
    summary.setAttribute('role', 'status');
    root.appendChild(summary);

    const q = new URLSearchParams();
    if (from) q.set('from', from);
    if (to) q.set('to', to);
    const [stats, miss] = await Promise.allSettled([
      D.api('/api/stats' + (q.toString() ? '?' + q : '')), D.api('/api/missing')]);
    if (!root.isConnected) return;
    if (stats.status === 'rejected' && stats.reason.status === 401) return;

    if (stats.status === 'rejected') {
      summary.remove();
      root.appendChild(D.status(plainError(stats.reason, 'the statistics'), true));
    } else {
      const s = stats.value || {};
      const t = s.totals || {};
      summary.textContent = 'Documents filed ' + describePeriod(s.from || from, s.to || to) + ': ' +
        num(t.documents || 0) + ' documents, ' + num(t.pages || 0) + ' pages.';
      root.appendChild(totalsList(t));
      // Retention: what may be destroyed now, and in the next quarter.
      if (s.retention) {
        const r = s.retention;
        const p = D.el('p', 'rp-note rp-retention');
        p.appendChild(document.createTextNode('Retention: ' + num(r.due_now) + ' documents due for disposal now, ' +
          num(r.due_next_quarter) + ' falling due in ' + r.next_quarter +
          (r.kept_off ? ' (' + num(r.kept_off) + ' kept off by legal holds, deletions or lists under way)' : '') + '. '));
        const a = D.el('a', null, 'Review what is due');
        a.href = '#/records';
        p.appendChild(a);
        root.appendChild(p);
      }

      const charts = D.el('section', 'rp-section');
      charts.setAttribute('aria-labelledby', 'stats-charts');
      const h = D.el('h3', null, 'Filed in this period');
      h.id = 'stats-charts';
      charts.appendChild(h);
      charts.appendChild(figure('Documents and pages by category', s.by_category,
        { series: SERIES, keyHead: 'Category' }));
      charts.appendChild(figure('Documents and pages by unit', s.by_unit,
        { series: SERIES, keyHead: 'Unit' }));
      charts.appendChild(figure('Documents and pages by clerk', s.by_clerk,
        { series: SERIES, keyHead: 'Clerk' }));
      charts.appendChild(figure('Documents and pages by month', s.by_month,
        { series: SERIES, keyHead: 'Month', kind: 'columns', labelOf: monthLabel }));
      charts.appendChild(figure('Pages per day', s.per_day,
        { series: [SERIES[1]], keyHead: 'Day', kind: 'columns', labelOf: dayLabel }));
      if (Array.isArray(s.per_clerk_day) && s.per_clerk_day.length) charts.appendChild(perClerkDay(s.per_clerk_day));
      root.appendChild(charts);
    }

    if (miss.status === 'rejected') {
      if (miss.reason.status !== 401)
        root.appendChild(D.status(plainError(miss.reason, 'dossier completeness'), true));
    } else {
      root.appendChild(completeness(miss.value || {}));
    }
    if (focusResults) { focusResults = false; summary.focus(); }
  }

  D.screen('stats', { title: 'Statistics', render });
})();
